"""The archive's own records (accounts, the access register, requests, partner tokens), used
alike by the CLI and the web app."""
