from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('core', '0013_carrier_account_per_seller')]

    initial = False

    operations = [
        ops.AddField(
            model_name='OrderRow',
            name='ioss_number',
            field=fields.CharField(max_length=32, default='', db_default=''),
        ),
    ]
