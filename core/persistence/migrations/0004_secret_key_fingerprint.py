from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('core', '0003_buyer_search_and_ship_time')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SecretKeyRow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('fingerprint', fields.CharField(max_length=32)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'secret_key', 'app': 'core', 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
