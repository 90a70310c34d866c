from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('core', '0006_carrier_accounts')]

    initial = False

    operations = [
        ops.CreateModel(
            name='InstallationRow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('uid', fields.CharField(unique=True, max_length=32)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'installation', 'app': 'core', 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
