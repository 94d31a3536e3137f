"""The payment gateway simulator: WeChat Pay / Alipay / UnionPay in spirit, over real HTTP.

Run as `python -m simulators.paygate --db pay.db --host 127.0.0.1 --port 8766`; the API is
described in docs/paygate.md.
"""
