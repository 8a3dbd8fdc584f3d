"""Run a local stand-in of the Node.js auth server (docs/auth-server-contract.md and its profiles).

Development and tests only: it keeps everything in memory, ships demo passwords and a
well-known default signing secret. `build_server` runs it in-process; `python -m authserver`
runs it as a program.
"""

__version__ = "0.1.0-local"
