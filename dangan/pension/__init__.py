"""Retirement reckoning (退休时间线测算): the national rules on retirement age and minimum
contribution years (rules.py), applied to a person's records in the dossier. A reference
for the pension office (测算参考), never its decision."""
