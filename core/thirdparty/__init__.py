"""Fulfilment providers (3PL): orders out as XML, tracking back as XML, then confirm and invoice.

- `files`: the XML formats and their schemas (`schemas/*.xsd`, docs/3pl.md).
- `drops`: a local folder or an SFTP account, written atomically.
- `export`: hand orders over (status `handed_over`, audit, an outbox job that delivers the file).
- `inbound`: apply a tracking file in one transaction (shipment, papers, confirmation, mail), or
  a stock file (`stock`: the provider's own bin set to its count).
- `papers`: delivery note and invoice of a provider's shipment, saying what is in which package.
- `cycle`: `run_thirdparty_cycle(settings, box)` for the sync worker and the CLI; `status`.
"""
