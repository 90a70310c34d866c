"""`packdesk demo`: a whole warehouse on one machine — emulator, printers, packers, sync, console."""
