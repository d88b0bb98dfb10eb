"""Every paper the archive hands out, drawn in one place on one layout (layout.py): certified
copies (copies.py), a request's reply and 查无档案证明 (letters.py), the dossier's 查档结果摘要
(summary.py). Each returns the PDF's bytes; web/ only passes them on.

One header (核验码 and QR), one footer (第n页/共N页 on every page, never off the page), one
stamp, one way of breaking Chinese lines (text.py: no line starts with "，" or "。").
"""
