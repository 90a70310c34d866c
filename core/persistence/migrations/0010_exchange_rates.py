from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('core', '0009_notification_seen')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ExchangeRateRow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('day', fields.DateField()),
                ('currency', fields.CharField(max_length=3)),
                ('per_eur', fields.DecimalField(max_digits=14, decimal_places=6)),
            ],
            options={'table': 'exchange_rate', 'app': 'core', 'unique_together': (('day', 'currency'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
