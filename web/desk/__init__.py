"""The request desk (查档申请): staff pages for requests from afar, and the public form."""
