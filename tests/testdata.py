"""Where the tests' data files are: in the repository, so a fresh clone can run every test."""

from __future__ import annotations

import os
from pathlib import Path

# Real photos and a video clip of real faces (tests/data/faces/README.md); another folder of
# `<label>_<n>` photos can stand in through $MEDTERM_FACES_DIR.
FACES = Path(os.environ.get("MEDTERM_FACES_DIR") or Path(__file__).parent / "data" / "faces")

# A valid setlinfo (a settlement's split) as the platform sends it: amounts as text.
SETLINFO = {
    "setl_id": "S1",
    "mdtrt_id": "M1",
    "psn_no": "P1",
    "psn_name": "张三",
    "medfee_sumamt": "100.00",
    "fulamt_ownpay_amt": "10.00",
    "overlmt_selfpay": "0.00",
    "preselfpay_amt": "5.00",
    "inscp_scp_amt": "85.00",
    "act_pay_dedc": "0.00",
    "hifp_pay": "60.00",
    "pool_prop_selfpay": "25.00",
    "cvlserv_pay": "0.00",
    "hifes_pay": "0.00",
    "hifmi_pay": "0.00",
    "hifob_pay": "0.00",
    "maf_pay": "0.00",
    "oth_pay": "0.00",
    "fund_pay_sumamt": "60.00",
    "psn_part_amt": "40.00",
    "acct_pay": "30.00",
    "acct_mulaid_pay": "0.00",
    "psn_cash_pay": "10.00",
    "balc": "470.00",
}
