from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    """A carrier contract per seller: the code profiles name, and the Amazon account it ships for
    (none: every seller without one of its own). Contracts stored before keep their name as code."""

    dependencies = [('core', '0012_pack_progress')]

    initial = False

    operations = [
        ops.AddField(
            model_name='CarrierAccountRow',
            name='account',
            field=fields.ForeignKeyField('core.AccountRow', source_field='account_id', null=True, db_constraint=True, to_field='id', related_name='carrier_accounts', on_delete=OnDelete.CASCADE),
        ),
        ops.AddField(
            model_name='CarrierAccountRow',
            name='code',
            field=fields.CharField(default='', db_index=True, max_length=64, db_default=''),
        ),
        ops.RunSQL("UPDATE carrier_account SET code = name WHERE code = ''", reverse_sql=""),
    ]
