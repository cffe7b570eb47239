"""The review UI and REST API: a Starlette app over the store, served by uvicorn.

`create_app(store)` builds the app over a `Store` handle (ingestor.store.unit); `serve` and `start_background` run it; `register`
in `ingestor.web.cli` adds the `serve`, `users` and `tokens` commands.
"""
