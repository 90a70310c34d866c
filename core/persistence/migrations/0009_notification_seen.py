from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('core', '0008_pins_and_sessions')]

    initial = False

    operations = [
        ops.CreateModel(
            name='NotificationSeenRow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('notification_id', fields.CharField(unique=True, max_length=64)),
                ('kind', fields.CharField(default='', max_length=64)),
                ('received_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'notification_seen', 'app': 'core', 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
