"""The settlement engine: pure functions of settlement-rules.md, parameterised by policy files.

The platform simulator settles with it authoritatively; the terminal only estimates with it
while the platform is unreachable.
"""
