from tortoise import migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

# Uploads whose feed Amazon processed without an error were found by their audit event
# (`document.upload_accepted`), a scan of the whole audit trail (no index on `action`). Their
# own home is now a verdict row (source "feed"): the rows for the uploads processed so far, and
# an index for the open verdicts each report judges.
FEED_PROCESSED = """
INSERT INTO invoice_verdict (document_id, accepted, status, description, source, report_id, checked_at)
SELECT d.id, TRUE, '', '', 'feed', '', MIN(a.at)
FROM audit_event a JOIN document d ON a.subject = 'document:' || CAST(d.id AS VARCHAR(20))
WHERE a.action = 'document.upload_accepted'
  AND NOT EXISTS (SELECT 1 FROM invoice_verdict v WHERE v.document_id = d.id)
GROUP BY d.id
"""


class Migration(migrations.Migration):
    dependencies = [('core', '0016_invoice_verdict')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='InvoiceVerdictRow',
            index=Index(fields=['source', 'accepted']),
        ),
        ops.RunSQL(FEED_PROCESSED, reverse_sql="DELETE FROM invoice_verdict WHERE source = 'feed'"),
    ]
