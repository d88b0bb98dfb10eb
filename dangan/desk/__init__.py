"""The request desk (受理 → 查找 → 出具 → 反馈): rules that do not depend on the web app.

`deadlines` counts working days, `workflow` says which status may follow which, `letters`
prints the replies, `records` keeps the requests and their history (the tables are in
`dangan.register.requests`).
"""
