"""The register: the archive's own database of what happened at its counter and desk —
staff accounts, visits (查档登记), the access log, clearances, issued papers, requests and
their steps' rows, partner tokens, dossier decisions — with its migrations and audit chain.
Used alike by the CLI and the web app. (Scans, pages and corrections live in the page store,
dangan/indexer/store.)"""
