from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('core', '0007_installation')]

    initial = False

    operations = [
        ops.AddField(
            model_name='OrderRow',
            name='claimed_packer',
            field=fields.CharField(default='', db_default='', max_length=64),
        ),
        ops.CreateModel(
            name='PinAttemptRow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('packer', fields.CharField(max_length=64)),
                ('station', fields.CharField(max_length=64)),
                ('failures', fields.IntField(default=0)),
                ('not_before', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'pin_attempt', 'app': 'core', 'unique_together': (('packer', 'station'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StationSessionRow',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('packer', fields.CharField(db_index=True, max_length=64)),
                ('station', fields.CharField(max_length=64)),
                ('kind', fields.CharField(default='local', max_length=8)),
                ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('seen_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('ended_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('end_reason', fields.CharField(default='', max_length=32)),
            ],
            options={'table': 'station_session', 'app': 'core', 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
