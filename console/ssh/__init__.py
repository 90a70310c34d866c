"""The embedded SSH entry: public keys only, one console process per connection through a PTY."""
