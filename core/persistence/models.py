"""Tortoise models: the tables. Repositories convert them to domain objects; nothing else sees them.

Personal data (buyer, addresses) and credentials are stored only as ciphertext (`*_sealed` columns,
see core/security.py); everything else stays readable for queries and reports.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model


class Timestamped(Model):
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        abstract = True


class AccountRow(Timestamped):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=64, unique=True)
    kind = fields.CharField(max_length=32, default="amazon")
    seller_id = fields.CharField(max_length=64, default="")
    region = fields.CharField(max_length=16, default="eu")
    endpoint = fields.CharField(max_length=255, default="")
    lwa_url = fields.CharField(max_length=255, default="")
    marketplace_ids = fields.JSONField(default=list)
    company = fields.CharField(max_length=64, default="default")
    credentials_sealed = fields.TextField(default="")
    health = fields.CharField(max_length=16, default="unknown")
    health_reason = fields.CharField(max_length=500, default="")
    health_at = fields.DatetimeField(null=True)

    class Meta:
        table = "account"


class SyncCheckpointRow(Model):
    # A high-water mark per account and stream (orders, listings …).

    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyRelation[AccountRow] = fields.ForeignKeyField(
        "core.AccountRow", related_name="checkpoints"
    )
    account_id: int
    stream = fields.CharField(max_length=64)
    value = fields.CharField(max_length=255, default="")
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "sync_checkpoint"
        unique_together = (("account", "stream"),)


class SyncLeaseRow(Model):
    # Which process talks to Amazon for an account, until when (core/sync/lease.py).

    id = fields.IntField(primary_key=True)
    account: fields.OneToOneRelation[AccountRow] = fields.OneToOneField(
        "core.AccountRow", related_name="sync_lease"
    )
    account_id: int
    holder = fields.CharField(max_length=128, default="")
    expires_at = fields.DatetimeField(null=True)
    since = fields.DatetimeField(null=True)  # when this holder took it

    class Meta:
        table = "sync_lease"


class NotificationSeenRow(Model):
    # Amazon notifications already acted on, by NotificationId (delivery is at least once).

    id = fields.IntField(primary_key=True)
    notification_id = fields.CharField(max_length=64, unique=True)
    kind = fields.CharField(max_length=64, default="")
    received_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "notification_seen"


class FulfilmentProfileRow(Timestamped):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=64, unique=True)
    process = fields.CharField(max_length=16)
    account: fields.ForeignKeyRelation[AccountRow] | None = fields.ForeignKeyField(
        "core.AccountRow", null=True, related_name="profiles"
    )
    account_id: int | None
    marketplace_id = fields.CharField(max_length=32, null=True)
    channel = fields.CharField(max_length=3, null=True)
    email_invoice = fields.BooleanField(default=False)
    upload_invoice = fields.BooleanField(default=False)
    carrier = fields.CharField(max_length=64, default="manual")
    invoice_range = fields.CharField(max_length=64, default="invoice")
    delivery_note_range = fields.CharField(max_length=64, default="delivery_note")
    credit_note_range = fields.CharField(max_length=64, default="credit_note")
    options = fields.JSONField(default=dict)

    class Meta:
        table = "fulfilment_profile"


class ArticleRow(Timestamped):
    id = fields.IntField(primary_key=True)
    sku = fields.CharField(max_length=128, unique=True)
    title = fields.CharField(max_length=500)
    weight_g = fields.IntField(default=0)
    tax_rate = fields.DecimalField(max_digits=5, decimal_places=2, default=19)
    hs_code = fields.CharField(max_length=11, default="")  # customs tariff number, for CN23
    origin_country = fields.CharField(max_length=2, default="")  # ISO alpha-2, for CN23
    barcodes: fields.ReverseRelation[BarcodeRow]

    class Meta:
        table = "article"


class CarrierAccountRow(Timestamped):
    """A carrier contract Packdesk buys labels from (DHL Parcel DE …); secrets sealed."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=64, unique=True)  # how the seller calls this contract
    code = fields.CharField(max_length=64, default="", db_index=True)  # what profiles name: dhl
    # the seller (Amazon account) it ships for; None: every seller without one of its own
    account: fields.ForeignKeyRelation[AccountRow] | None = fields.ForeignKeyField(
        "core.AccountRow", null=True, related_name="carrier_accounts"
    )
    account_id: int | None
    kind = fields.CharField(max_length=32, default="dhl")
    settings = fields.JSONField(default=dict)  # base URL, EKP, print format … (no secrets)
    credentials_sealed = fields.TextField(default="")

    class Meta:
        table = "carrier_account"


class BarcodeRow(Model):
    id = fields.IntField(primary_key=True)
    article: fields.ForeignKeyRelation[ArticleRow] = fields.ForeignKeyField(
        "core.ArticleRow", related_name="barcodes"
    )
    article_id: int
    code = fields.CharField(max_length=64, unique=True)  # normalized (core.domain.catalog)
    kind = fields.CharField(max_length=8)

    class Meta:
        table = "barcode"


class ListingRow(Timestamped):
    id = fields.IntField(primary_key=True)
    article: fields.ForeignKeyRelation[ArticleRow] = fields.ForeignKeyField(
        "core.ArticleRow", related_name="listings"
    )
    article_id: int
    account: fields.ForeignKeyRelation[AccountRow] = fields.ForeignKeyField(
        "core.AccountRow", related_name="listings"
    )
    account_id: int
    marketplace_id = fields.CharField(max_length=32)
    seller_sku = fields.CharField(max_length=128)
    asin = fields.CharField(max_length=16, default="")
    channel = fields.CharField(max_length=3, default="MFN")
    quantity_pushed = fields.IntField(null=True)
    stock_dirty = fields.BooleanField(default=False)
    # Amazon's product type of the listing (patches must name it); "" until known.
    product_type = fields.CharField(max_length=64, default="", db_default="")
    # The last stock push and what Amazon said of it: "" (never), sent (feed not yet read),
    # pushed, rejected (push_code/push_message are Amazon's).
    push_state = fields.CharField(max_length=16, default="", db_default="")
    quantity_sent = fields.IntField(null=True)
    push_feed_id = fields.CharField(max_length=64, default="", db_default="")
    push_code = fields.CharField(max_length=64, default="", db_default="")
    push_message = fields.CharField(max_length=1000, default="", db_default="")

    class Meta:
        table = "listing"
        unique_together = (("account", "marketplace_id", "seller_sku"),)


class WarehouseRow(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=64, unique=True)

    class Meta:
        table = "warehouse"


class BinRow(Model):
    id = fields.IntField(primary_key=True)
    warehouse: fields.ForeignKeyRelation[WarehouseRow] = fields.ForeignKeyField(
        "core.WarehouseRow", related_name="bins"
    )
    warehouse_id: int
    code = fields.CharField(max_length=64)

    class Meta:
        table = "bin"
        unique_together = (("warehouse", "code"),)


class StockLevelRow(Model):
    id = fields.IntField(primary_key=True)
    article: fields.ForeignKeyRelation[ArticleRow] = fields.ForeignKeyField(
        "core.ArticleRow", related_name="stock_levels"
    )
    article_id: int
    bin: fields.ForeignKeyRelation[BinRow] = fields.ForeignKeyField(
        "core.BinRow", related_name="stock_levels"
    )
    bin_id: int
    on_hand = fields.IntField(default=0)

    class Meta:
        table = "stock_level"
        unique_together = (("article", "bin"),)


class StockMovementRow(Model):
    id = fields.BigIntField(primary_key=True)
    article: fields.ForeignKeyRelation[ArticleRow] = fields.ForeignKeyField(
        "core.ArticleRow", related_name="movements"
    )
    article_id: int
    bin: fields.ForeignKeyRelation[BinRow] = fields.ForeignKeyField(
        "core.BinRow", related_name="movements"
    )
    bin_id: int
    quantity = fields.IntField()
    reason = fields.CharField(max_length=32)
    reference = fields.CharField(max_length=128, default="")
    actor = fields.CharField(max_length=64, default="system")
    at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "stock_movement"


class OrderRow(Timestamped):
    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyRelation[AccountRow] = fields.ForeignKeyField(
        "core.AccountRow", related_name="orders"
    )
    account_id: int
    external_id = fields.CharField(max_length=64)
    marketplace_id = fields.CharField(max_length=32)
    channel = fields.CharField(max_length=3)
    process = fields.CharField(max_length=16)
    status = fields.CharField(max_length=20)
    channel_status = fields.CharField(max_length=32, default="")
    profile: fields.ForeignKeyRelation[FulfilmentProfileRow] | None = fields.ForeignKeyField(
        "core.FulfilmentProfileRow", null=True, related_name="orders"
    )
    profile_id: int | None
    purchased_at = fields.DatetimeField()
    latest_ship_at = fields.DatetimeField(null=True)
    shipped_at = fields.DatetimeField(null=True)
    delivered_at = fields.DatetimeField(null=True)
    is_prime = fields.BooleanField(default=False)
    is_business = fields.BooleanField(default=False)
    currency = fields.CharField(max_length=3)
    total = fields.DecimalField(max_digits=12, decimal_places=2, default=0)
    item_count = fields.IntField(default=0)
    hold_reason = fields.CharField(max_length=500, default="")
    claimed_by = fields.CharField(max_length=64, default="")
    claimed_at = fields.DatetimeField(null=True)
    # What the claiming desk has scanned so far ({"packages": [{line id: qty}]}), so a crash, a
    # dropped SSH link or a sign-out never resets the counts of a claimed order.
    pack_progress = fields.JSONField(null=True)
    claimed_packer = fields.CharField(
        max_length=64, default="", db_default=""
    )  # who, at claimed_by
    personal_sealed = fields.TextField(default="")
    # Keyed hashes of the buyer's name words (core.security.blind_tokens): searchable, not readable.
    buyer_tokens = fields.TextField(default="", db_default="")  # db default: existing rows
    ship_country = fields.CharField(
        max_length=2, default=""
    )  # not personal on its own; VAT needs it
    personal_data_purged = fields.BooleanField(default=False)
    fingerprint = fields.CharField(max_length=64, default="")
    # Amazon's IOSS number for goods sent into the EU from outside it (core/documents/vat.py)
    ioss_number = fields.CharField(max_length=32, default="", db_default="")
    lines: fields.ReverseRelation[OrderLineRow]

    class Meta:
        table = "order"
        unique_together = (("account", "external_id"),)
        indexes = (
            Index(fields=("status", "latest_ship_at", "is_prime", "purchased_at")),
            Index(fields=("external_id",)),
            Index(fields=("status", "process")),  # queue counts read the index only
        )


class OrderLineRow(Model):
    id = fields.IntField(primary_key=True)
    order: fields.ForeignKeyRelation[OrderRow] = fields.ForeignKeyField(
        "core.OrderRow", related_name="lines"
    )
    order_id: int
    external_id = fields.CharField(max_length=64)
    sku = fields.CharField(max_length=128, db_index=True)
    asin = fields.CharField(max_length=16, default="")
    title = fields.CharField(max_length=500)
    quantity = fields.IntField()
    quantity_shipped = fields.IntField(default=0)
    unit_price = fields.DecimalField(max_digits=12, decimal_places=2)
    tax_rate = fields.DecimalField(max_digits=5, decimal_places=2)
    shipping_price = fields.DecimalField(max_digits=12, decimal_places=2, default=0)
    gift_wrap_price = fields.DecimalField(max_digits=12, decimal_places=2, default=0)
    promotion_discount = fields.DecimalField(max_digits=12, decimal_places=2, default=0)

    class Meta:
        table = "order_line"
        unique_together = (("order", "external_id"),)


class StockReservationRow(Model):
    # Stock held for an open MFN order line; removed when it ships or is cancelled.

    id = fields.IntField(primary_key=True)
    order_line: fields.OneToOneRelation[OrderLineRow] = fields.OneToOneField(
        "core.OrderLineRow", related_name="reservation"
    )
    order_line_id: int
    article: fields.ForeignKeyRelation[ArticleRow] = fields.ForeignKeyField(
        "core.ArticleRow", related_name="reservations"
    )
    article_id: int
    quantity = fields.IntField()

    class Meta:
        table = "stock_reservation"


class ShipmentRow(Model):
    id = fields.IntField(primary_key=True)
    order: fields.ForeignKeyRelation[OrderRow] = fields.ForeignKeyField(
        "core.OrderRow", related_name="shipments"
    )
    order_id: int
    station = fields.CharField(max_length=64)
    packer = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)
    shipped_at = fields.DatetimeField(null=True)  # when the goods left, if not at creation (3PL)

    class Meta:
        table = "shipment"


class PackageRow(Model):
    id = fields.IntField(primary_key=True)
    shipment: fields.ForeignKeyRelation[ShipmentRow] = fields.ForeignKeyField(
        "core.ShipmentRow", related_name="packages"
    )
    shipment_id: int
    reference = fields.CharField(max_length=64)
    weight_g = fields.IntField(default=0)
    carrier_code = fields.CharField(max_length=64, default="")
    carrier_name = fields.CharField(max_length=64, default="")
    shipping_method = fields.CharField(max_length=64, default="")
    tracking_number = fields.CharField(max_length=64, default="")
    label_format = fields.CharField(max_length=8, default="")
    label = fields.BinaryField(null=True)
    label_ref = fields.CharField(max_length=128, default="")  # carrier's id, to cancel the label
    # An idempotent purchase under way (core.carriers.crash_guard): the very request to repeat.
    label_purchase = fields.TextField(default="")
    lines: fields.ReverseRelation[PackageLineRow]

    class Meta:
        table = "package"


class PackageLineRow(Model):
    id = fields.IntField(primary_key=True)
    package: fields.ForeignKeyRelation[PackageRow] = fields.ForeignKeyField(
        "core.PackageRow", related_name="lines"
    )
    package_id: int
    order_line: fields.ForeignKeyRelation[OrderLineRow] = fields.ForeignKeyField(
        "core.OrderLineRow", related_name="package_lines"
    )
    order_line_id: int
    quantity = fields.IntField()

    class Meta:
        table = "package_line"


class NumberRangeRow(Model):
    id = fields.IntField(primary_key=True)
    company = fields.CharField(max_length=64)
    name = fields.CharField(max_length=64)
    pattern = fields.CharField(max_length=128)
    next_seq = fields.IntField(default=1)
    yearly_reset = fields.BooleanField(default=True)
    current_year = fields.IntField(null=True)

    class Meta:
        table = "number_range"
        unique_together = (("company", "name"),)


class DocumentRow(Model):
    id = fields.IntField(primary_key=True)
    kind = fields.CharField(max_length=16)
    number = fields.CharField(max_length=64, unique=True)
    order: fields.ForeignKeyRelation[OrderRow] = fields.ForeignKeyField(
        "core.OrderRow", related_name="documents"
    )
    order_id: int
    shipment: fields.ForeignKeyRelation[ShipmentRow] | None = fields.ForeignKeyField(
        "core.ShipmentRow", null=True, related_name="documents"
    )
    shipment_id: int | None
    refers_to: fields.ForeignKeyRelation[DocumentRow] | None = fields.ForeignKeyField(
        "core.DocumentRow", null=True, related_name="corrections"
    )
    refers_to_id: int | None
    issued_at = fields.DatetimeField()
    content = fields.JSONField(default=dict)
    pdf = fields.BinaryField(null=True)  # the rendered original, kept so reprints are identical

    class Meta:
        table = "document"


class InvoiceVerdictRow(Model):
    """What Amazon says about one uploaded invoice or credit note: accepted, or not and why.

    Fed by the upload's processing result and by the VAT invoice data report; the one home of
    "invoices Amazon did not accept". `status` and `description` are Amazon's words, verbatim.
    """

    id = fields.IntField(primary_key=True)
    document: fields.OneToOneRelation[DocumentRow] = fields.OneToOneField(
        "core.DocumentRow", related_name="amazon_verdict"
    )
    document_id: int
    accepted = fields.BooleanField()
    status = fields.CharField(max_length=64, default="")  # Amazon's invoice-status or error code
    description = fields.CharField(max_length=1000, default="")
    # "upload" (the feed's result refused it) | "feed" (processed, the report's word awaited;
    # the one index of processed uploads) | "report" (VIDR)
    source = fields.CharField(max_length=16)
    report_id = fields.CharField(max_length=64, default="")
    checked_at = fields.DatetimeField()

    class Meta:
        table = "invoice_verdict"
        # the open verdicts each report judges (uploads processed, invoices not accepted)
        indexes = (Index(fields=("source", "accepted")),)


class OutboxJobRow(Timestamped):
    id = fields.BigIntField(primary_key=True)
    kind = fields.CharField(max_length=64)
    key = fields.CharField(max_length=255, unique=True)
    payload = fields.JSONField(default=dict)
    status = fields.CharField(max_length=16, default="pending")
    attempts = fields.IntField(default=0)
    due_at = fields.DatetimeField()
    last_error = fields.TextField(default="")
    account: fields.ForeignKeyRelation[AccountRow] | None = fields.ForeignKeyField(
        "core.AccountRow", null=True, related_name="jobs"
    )
    account_id: int | None
    locked_by = fields.CharField(max_length=64, default="")
    locked_until = fields.DatetimeField(null=True)
    done_at = fields.DatetimeField(null=True)

    class Meta:
        table = "outbox_job"
        indexes = (Index(fields=("status", "due_at")),)


class PrintJobRow(Timestamped):
    # A durable print job; one worker per printer drains them (printers/spool).

    id = fields.BigIntField(primary_key=True)
    key = fields.CharField(max_length=255, unique=True)
    station = fields.CharField(max_length=64)
    printer = fields.CharField(max_length=64)
    kind = fields.CharField(max_length=16)
    title = fields.CharField(max_length=255)
    content_type = fields.CharField(max_length=64)
    payload = fields.BinaryField()
    status = fields.CharField(max_length=10, default="queued")
    attempts = fields.IntField(default=0)
    due_at = fields.DatetimeField()
    last_error = fields.TextField(default="")
    transport_ref = fields.CharField(max_length=128, default="")  # CUPS job id, file name …
    printed_at = fields.DatetimeField(null=True)
    copy_of: fields.ForeignKeyRelation[PrintJobRow] | None = fields.ForeignKeyField(
        "core.PrintJobRow", null=True, related_name="reprints"
    )
    copy_of_id: int | None

    class Meta:
        table = "print_job"
        indexes = (Index(fields=("printer", "status", "due_at")),)


class InstallationRow(Model):
    # One row: this database's installation id, so that names it leaves in shared systems
    # (CUPS job names) are told apart from another database's (printers/installation.py).

    id = fields.IntField(primary_key=True)
    uid = fields.CharField(max_length=32, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "installation"


class PrinterStatusRow(Model):
    name = fields.CharField(max_length=64, primary_key=True)
    state = fields.CharField(max_length=16, default="unknown")  # online | offline | paper_out …
    detail = fields.CharField(max_length=500, default="")
    checked_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "printer_status"


class AuditEventRow(Model):
    id = fields.BigIntField(primary_key=True)
    actor = fields.CharField(max_length=64)
    action = fields.CharField(max_length=64)
    subject = fields.CharField(max_length=128, db_index=True)
    station = fields.CharField(max_length=64, default="")
    detail = fields.JSONField(default=dict)
    at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "audit_event"


class StationRow(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=64, unique=True)
    warehouse: fields.ForeignKeyRelation[WarehouseRow] | None = fields.ForeignKeyField(
        "core.WarehouseRow", null=True, related_name="stations"
    )
    warehouse_id: int | None

    class Meta:
        table = "station"


class PackerRow(Timestamped):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=64, unique=True)
    badge = fields.CharField(max_length=64, unique=True)
    role = fields.CharField(max_length=16, default="packer")
    pin_hash = fields.CharField(max_length=255, default="")
    language = fields.CharField(max_length=8, default="")
    active = fields.BooleanField(default=True)

    class Meta:
        table = "packer"


class SecretKeyRow(Model):
    # Which key the sealed data is sealed with (core.security.key_fingerprint): one row, id 1.
    # Lets every station refuse to start with another key instead of sealing under two keys.

    id = fields.IntField(primary_key=True)
    fingerprint = fields.CharField(max_length=32)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "secret_key"


class PinAttemptRow(Model):
    # Wrong supervisor PINs per packer and desk: each one makes the next try wait longer, enough of
    # them lock the desk's PIN prompt for that packer (core/services/pins.py).

    id = fields.IntField(primary_key=True)
    packer = fields.CharField(max_length=64)
    station = fields.CharField(max_length=64)
    failures = fields.IntField(default=0)
    not_before = fields.DatetimeField(null=True)  # no try is taken before this

    class Meta:
        table = "pin_attempt"
        unique_together = (("packer", "station"),)


class StationSessionRow(Model):
    # A packer signed in at a desk (local terminal, SSH or browser). The console checks its row on
    # every poll, so ending it here (deactivation) signs the packer out wherever they are.

    id = fields.BigIntField(primary_key=True)
    packer = fields.CharField(max_length=64, db_index=True)
    station = fields.CharField(max_length=64)
    kind = fields.CharField(max_length=8, default="local")  # local | ssh | web
    started_at = fields.DatetimeField(auto_now_add=True)
    seen_at = fields.DatetimeField(null=True)
    ended_at = fields.DatetimeField(null=True)
    end_reason = fields.CharField(max_length=32, default="")

    class Meta:
        table = "station_session"


class ExchangeRateRow(Model):
    # The ECB's euro reference rate of a day: 1 EUR = per_eur units of `currency`. Invoices in
    # another currency state their VAT in EUR at the rate of the supply date (Art. 230 VAT
    # Directive, § 16 Abs. 6 UStG); rates are loaded by `packdesk documents rates`.

    id = fields.IntField(primary_key=True)
    day = fields.DateField()
    currency = fields.CharField(max_length=3)
    per_eur = fields.DecimalField(max_digits=14, decimal_places=6)

    class Meta:
        table = "exchange_rate"
        unique_together = (("day", "currency"),)
