"""The branch-network load test behind `manage.py loadtest`: its own organisations in the
database, real daphne processes on loopback, and asyncio clients (agents, kiosks, displays)
that talk to them only over HTTP and WebSocket, as the real devices do."""
