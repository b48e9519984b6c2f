"""Registry of websocket routes; apps with real-time parts (the online 居場所) append to it."""

websocket_urlpatterns: list = []
