from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('core', '0011_listing_push_outcome')]

    initial = False

    operations = [
        ops.AddField(
            model_name='OrderRow',
            name='pack_progress',
            field=fields.JSONField(null=True),
        ),
    ]
