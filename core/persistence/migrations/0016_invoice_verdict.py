from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.fields.base import OnDelete

class Migration(migrations.Migration):
    dependencies = [('core', '0015_label_purchase')]

    initial = False

    operations = [
        ops.CreateModel(
            name='InvoiceVerdictRow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('document', fields.OneToOneField('core.DocumentRow', source_field='document_id', db_constraint=True, to_field='id', related_name='amazon_verdict', on_delete=OnDelete.CASCADE)),
                ('accepted', fields.BooleanField()),
                ('status', fields.CharField(default='', max_length=64)),
                ('description', fields.CharField(default='', max_length=1000)),
                ('source', fields.CharField(max_length=16)),
                ('report_id', fields.CharField(default='', max_length=64)),
                ('checked_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'invoice_verdict', 'app': 'core', 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
