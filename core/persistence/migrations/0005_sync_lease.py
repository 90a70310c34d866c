from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('core', '0004_secret_key_fingerprint')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SyncLeaseRow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('account', fields.OneToOneField('core.AccountRow', source_field='account_id', db_constraint=True, to_field='id', related_name='sync_lease', on_delete=OnDelete.CASCADE)),
                ('holder', fields.CharField(default='', max_length=128)),
                ('expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('since', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'sync_lease', 'app': 'core', 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
