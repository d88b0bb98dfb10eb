"""The counter (查档窗口): the clerk's visits, search, page viewer, certified copies, and the
admin's status and logs."""
