from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from orjson import loads
from tortoise.fields.data import JSON_DUMPS

class Migration(migrations.Migration):
    dependencies = [('core', '0005_sync_lease')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CarrierAccountRow',
            fields=[
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=64)),
                ('kind', fields.CharField(default='dhl', max_length=32)),
                ('settings', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('credentials_sealed', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'carrier_account', 'app': 'core', 'pk_attr': 'id'},
            bases=['Timestamped'],
        ),
        ops.AddField(
            model_name='ArticleRow',
            name='hs_code',
            field=fields.CharField(default='', max_length=11, db_default=''),
        ),
        ops.AddField(
            model_name='ArticleRow',
            name='origin_country',
            field=fields.CharField(default='', max_length=2, db_default=''),
        ),
    ]
