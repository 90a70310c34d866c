from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('core', '0014_order_ioss_number')]

    initial = False

    operations = [
        ops.AddField(
            model_name='PackageRow',
            name='label_purchase',
            field=fields.TextField(default=''),
        ),
    ]
