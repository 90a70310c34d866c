from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('core', '0010_exchange_rates')]

    initial = False

    operations = [
        ops.AddField(
            model_name='ListingRow',
            name='product_type',
            field=fields.CharField(default='', db_default='', max_length=64),
        ),
        ops.AddField(
            model_name='ListingRow',
            name='push_state',
            field=fields.CharField(default='', db_default='', max_length=16),
        ),
        ops.AddField(
            model_name='ListingRow',
            name='quantity_sent',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='ListingRow',
            name='push_feed_id',
            field=fields.CharField(default='', db_default='', max_length=64),
        ),
        ops.AddField(
            model_name='ListingRow',
            name='push_code',
            field=fields.CharField(default='', db_default='', max_length=64),
        ),
        ops.AddField(
            model_name='ListingRow',
            name='push_message',
            field=fields.CharField(default='', db_default='', max_length=1000),
        ),
    ]
