from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('core', '0002_queue_count_index')]

    initial = False

    operations = [
        ops.AddField(
            model_name='OrderRow',
            name='buyer_tokens',
            field=fields.TextField(default='', db_default='', unique=False),
        ),
        ops.AddField(
            model_name='ShipmentRow',
            name='shipped_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
