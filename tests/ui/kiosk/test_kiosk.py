"""The kiosk's pages offscreen: each journey step rendered, the language switch, elder mode,
the idle wipe, the keyboard, the technician's exit. Behind every window is the real core (the
saga and journal of a terminal on the simulators); the journey's blocking steps run on the
real bridge's saga worker and come back as queued signals. The journeys of each credential
and each problem state are in test_journeys.py."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QLabel, QPushButton, QTableWidget, QWidget
from pytestqt.qtbot import QtBot
from terminals import add_orders, voucher
from widget_texts import all_texts

from kernel.masking import mask_id, mask_name
from terminal.flows.identify import Credential, CredentialKind
from terminal.flows.journey import Event, PayMethod, Step, View
from ui import theme
from ui.app import Look
from ui.i18n import Language
from ui.kiosk import sample
from ui.kiosk.pages import REGISTRY

FULL = View(
    step=Step.BREAKDOWN, person=sample.PERSON, orders=sample.ORDERS,
    breakdown=sample.breakdown(), due=sample.breakdown().psn_cash_pay, reference="TX-0001",
    method=PayMethod.QR, qr_url=sample.QR_URL, reason="参保人已停保", tries_left=2,
    registration_offered=True, rx_offered=True, departments=sample.DEPARTMENTS,
    paid_today=sample.PAID_TODAY, reprinted=sample.PAID_TODAY[0].tx_id,
    prescriptions=sample.PRESCRIPTIONS, price_query="XSGYP", prices=sample.PRICES,
)


def shown(kiosk: object) -> QWidget:
    return kiosk.window.current_page()  # type: ignore[attr-defined]


def assert_nothing_clipped(page: QWidget) -> None:
    """On the kiosk's 1280x1024 screen, every label shown has the height its text needs."""
    for widget in page.findChildren(QLabel):
        if widget.isVisibleTo(page) and widget.text():
            needed = widget.heightForWidth(widget.width())
            assert widget.height() >= needed, f"{widget.objectName()} clipped"
    for table in page.findChildren(QTableWidget):  # a bill is never scrolled
        if table.isVisibleTo(page):
            assert table.height() >= table.sizeHint().height(), f"{table.objectName()} clipped"


EMPLOYED = "44030000000000000001"  # 张伟 of the default world: employed, account 500


def to_breakdown(qtbot: QtBot, kiosk, platform, psn_no: str = EMPLOYED) -> None:
    """An e-voucher of the person, with a new unpaid order, up to the platform's split."""
    add_orders(platform, psn_no)
    kiosk.journey.send(Event.SCANNED, Credential(CredentialKind.VOUCHER, voucher(platform, psn_no)))
    qtbot.waitUntil(lambda: kiosk.window.shows(Step.ORDERS), timeout=15000)
    kiosk.window.findChild(QPushButton, "orders-next").click()
    qtbot.waitUntil(lambda: kiosk.window.shows(Step.BREAKDOWN), timeout=15000)


@pytest.mark.parametrize("step", list(Step))
def test_every_step_has_a_page_that_renders_it_in_words(make_kiosk, step: Step) -> None:
    kiosk = make_kiosk()
    kiosk.window.render(dataclasses.replace(FULL, step=step))
    page = shown(kiosk)
    assert page is kiosk.window.pages[REGISTRY[step]]
    prompt = page.findChild(QLabel, f"{page.ident}-prompt")
    assert prompt.text() and "E" not in prompt.text()[:1]
    assert "Traceback" not in " ".join(all_texts(page))


def test_a_voucher_scan_reaches_the_breakdown_with_the_platforms_amounts(
    qtbot: QtBot, make_kiosk, watchdog, platform
) -> None:
    kiosk = make_kiosk()
    watchdog.start()
    to_breakdown(qtbot, kiosk, platform)
    texts = all_texts(shown(kiosk))
    b = kiosk.journey.view.breakdown
    for amount in (b.medfee_sumamt, b.fund_pay_sumamt, b.acct_pay, b.psn_cash_pay):
        assert str(amount) in texts
    person = kiosk.journey.view.person
    assert person.psn_no == EMPLOYED
    assert kiosk.window.identity.text() == f"{mask_name(person.name)}  " + mask_id(person.certno)


def test_a_tap_on_a_self_pay_line_says_why_in_words(qtbot: QtBot, make_kiosk, platform) -> None:
    kiosk = make_kiosk()
    to_breakdown(qtbot, kiosk, platform)
    page = shown(kiosk)
    reasons = page.view_widget.reasons
    row = next(r for r in range(reasons.rowCount()) if "全自费" in reasons.item(r, 0).text())
    reasons.cellClicked.emit(row, 0)
    assert "丙类" in page.why.text() and page.why.isVisibleTo(page)


def test_the_language_switch_retranslates_the_page_on_screen(qtbot: QtBot, make_kiosk) -> None:
    kiosk = make_kiosk()
    prompt = kiosk.window.findChild(QLabel, "welcome-prompt")
    assert prompt.text() == "欢迎使用医保自助缴费"
    kiosk.window.findChild(QPushButton, "welcome-language").click()
    assert kiosk.translations.language is Language.EN
    qtbot.waitUntil(lambda: prompt.text() == "Welcome to insurance self-service payment")
    button = kiosk.window.findChild(QPushButton, "welcome-language")
    assert button.text() == "中文" and button.accessibleName() == "中文"  # the way back
    button.click()
    qtbot.waitUntil(lambda: prompt.text() == "欢迎使用医保自助缴费")


def test_every_translatable_string_has_its_english(qtbot: QtBot, make_kiosk) -> None:
    kiosk = make_kiosk()
    kiosk.translations.switch(Language.EN)
    language = kiosk.window.findChild(QPushButton, "welcome-language")
    qtbot.waitUntil(lambda: language.text() == "中文")  # the one Chinese word on purpose
    for step in Step:
        kiosk.window.render(dataclasses.replace(FULL, step=step))
        for text in all_texts(shown(kiosk)):
            # data is shown as given (the HIS's department and doctor, the platform's reason,
            # the masked name); the words around it must be English
            for data in (FULL.reason, "中文", mask_name(sample.PERSON.name), *(
                word for o in sample.ORDERS for word in (o.dept_name, o.dr_name)
            ), *sample.service_words()):
                text = text.replace(data, "")
            chinese = [c for c in text if "\u4e00" <= c <= "\u9fff"]
            assert not chinese, f"untranslated on {step.value}: {text!r}"


def test_elder_mode_meets_the_guidance_sizes(qtbot: QtBot, make_kiosk) -> None:
    kiosk = make_kiosk(Look(elder=True))
    kiosk.window.render(dataclasses.replace(FULL, step=Step.PIN))
    page = shown(kiosk)
    qtbot.waitExposed(kiosk.window)
    assert_nothing_clipped(page)
    prompt = page.findChild(QLabel, "pin-prompt")
    assert QFontInfo(prompt.font()).pointSize() >= theme.ELDER_PROMPT_PT
    for ident in ("pin-tries", "pin-error"):
        assert QFontInfo(page.findChild(QLabel, ident).font()).pointSize() >= theme.ELDER_BODY_PT
    for button in page.findChildren(QPushButton):
        if button.isVisibleTo(page):
            assert button.width() >= theme.MIN_TARGET_PX and button.height() >= theme.MIN_TARGET_PX


def test_elder_mode_at_a_touch_lengthens_the_idle_time(qtbot: QtBot, make_kiosk) -> None:
    kiosk = make_kiosk(idle_s=90, elder_factor=1.5)
    kiosk.window.findChild(QPushButton, "welcome-elder").click()
    qtbot.waitUntil(lambda: kiosk.window.look.elder)
    assert kiosk.journey.settings.idle_s == 135


def test_the_idle_wipe_leaves_the_patient_in_no_widget(
    qtbot: QtBot, make_kiosk, platform
) -> None:
    kiosk = make_kiosk(idle_s=90, still_there_s=10)
    to_breakdown(qtbot, kiosk, platform)
    person, breakdown = kiosk.journey.view.person, kiosk.journey.view.breakdown
    secrets = [
        person.name, mask_name(person.name), person.certno, mask_id(person.certno),
        str(breakdown.medfee_sumamt), "陈建国",
    ]
    assert any(s in t for s in secrets for t in all_texts(kiosk.window))
    kiosk.now += 91
    qtbot.waitUntil(lambda: kiosk.window.shows(Step.STILL_THERE))
    kiosk.now += 11
    qtbot.waitUntil(lambda: kiosk.window.shows(Step.WELCOME))
    leaks = [t for t in all_texts(kiosk.window) for s in secrets if s in t]
    assert leaks == []


def test_a_touch_anywhere_on_the_window_starts_the_idle_time_again(
    qtbot: QtBot, make_kiosk, platform
) -> None:
    kiosk = make_kiosk(idle_s=90, still_there_s=10)
    to_breakdown(qtbot, kiosk, platform)
    kiosk.now += 60
    # a tap on no control, as the screen's driver delivers it: to the window, then its widget
    qtbot.mouseClick(kiosk.window.windowHandle(), Qt.MouseButton.LeftButton,
                     pos=QPoint(640, 740))
    assert kiosk.journey.view.deadline == kiosk.now + 90
    kiosk.now += 61  # 121 s after the breakdown came, 61 after the tap
    qtbot.wait(500)  # the window's ticker runs the idle clock
    assert kiosk.journey.view.step is Step.BREAKDOWN


def test_a_visit_untapped_on_the_orders_screen_stays_out_of_the_bill(
    qtbot: QtBot, make_kiosk, platform
) -> None:
    kiosk = make_kiosk()
    kept, dropped = add_orders(platform, EMPLOYED)[0], add_orders(platform, EMPLOYED)[0]
    code = voucher(platform, EMPLOYED)
    kiosk.journey.send(Event.SCANNED, Credential(CredentialKind.VOUCHER, code))
    qtbot.waitUntil(lambda: kiosk.window.shows(Step.ORDERS), timeout=15000)
    page = shown(kiosk)
    box = next(b for b, order in page.boxes if order.rxno == dropped)
    on_box = box.mapTo(kiosk.window, QPoint(box.height() // 2, box.height() // 2))
    # a tap, as the screen delivers it: the window hears a touch (the idle clock moves, the
    # screen is drawn again) and the box is untapped
    qtbot.mouseClick(kiosk.window.windowHandle(), Qt.MouseButton.LeftButton, pos=on_box)
    qtbot.wait(100)  # the redraw the touch asked for
    assert not box.isChecked()
    kiosk.window.findChild(QPushButton, "orders-next").click()
    qtbot.waitUntil(lambda: kiosk.window.shows(Step.BREAKDOWN), timeout=15000)
    assert dropped not in kiosk.journey.view.chosen and kept in kiosk.journey.view.chosen


def test_still_there_shows_its_countdown_and_a_touch_continues(
    qtbot: QtBot, make_kiosk, platform
) -> None:
    kiosk = make_kiosk(idle_s=90, still_there_s=10)
    to_breakdown(qtbot, kiosk, platform)
    kiosk.now += 91
    qtbot.waitUntil(lambda: kiosk.window.shows(Step.STILL_THERE))
    kiosk.now += 3
    countdown = kiosk.window.findChild(QLabel, "still-there-countdown-text")
    qtbot.waitUntil(lambda: countdown.text() == "剩余 7 秒")
    qtbot.mouseClick(kiosk.window.findChild(QPushButton, "still-there-here"),
                     Qt.MouseButton.LeftButton)
    assert kiosk.journey.view.step is Step.BREAKDOWN


def test_the_pin_keypad_takes_real_keys_and_forgets_the_pin(qtbot: QtBot, make_kiosk) -> None:
    kiosk = make_kiosk()
    sent: list[tuple[Event, object]] = []
    kiosk.window._send = lambda event, payload=None: sent.append((event, payload)) or True
    kiosk.window.render(dataclasses.replace(FULL, step=Step.PIN, tries_left=None))
    keypad = shown(kiosk).keypad
    keypad.entered.disconnect()
    keypad.entered.connect(lambda pin: sent.append((Event.PIN_ENTERED, pin)))
    qtbot.keyClicks(keypad, "123456")
    qtbot.keyClick(keypad, Qt.Key.Key_Return)
    assert sent == [(Event.PIN_ENTERED, "123456")]
    assert keypad.length == 0 and "1" not in keypad.display.text()


def test_the_keypads_digits_are_reshuffled_each_time(qtbot: QtBot, make_kiosk) -> None:
    kiosk = make_kiosk()
    keypad = kiosk.window.findChild(QWidget, "pin-keypad")
    orders = set()
    for _ in range(5):
        keypad.reshuffle()
        orders.add(tuple(k.text() for k in keypad.keys))
    assert len(orders) > 1
    assert all(sorted(order) == list("0123456789") for order in orders)


def test_the_first_pin_screen_says_the_tries_left_without_an_error(make_kiosk) -> None:
    kiosk = make_kiosk()
    kiosk.window.render(dataclasses.replace(FULL, step=Step.PIN, tries_left=3))
    tries, error = (kiosk.window.findChild(QLabel, i) for i in ("pin-tries", "pin-error"))
    assert tries.isVisibleTo(kiosk.window) and tries.text() == "还可以输入 3 次"
    assert not error.isVisibleTo(kiosk.window)


def test_a_wrong_pin_says_the_tries_left(make_kiosk) -> None:
    kiosk = make_kiosk()
    kiosk.window.render(dataclasses.replace(FULL, step=Step.PIN, tries_left=2, pin_wrong=True))
    tries, error = (kiosk.window.findChild(QLabel, i) for i in ("pin-tries", "pin-error"))
    assert error.isVisibleTo(kiosk.window) and "还可以再试 2 次" in error.text()
    assert not tries.isVisibleTo(kiosk.window)


def test_a_card_that_cannot_say_its_tries_shows_no_count(make_kiosk) -> None:
    kiosk = make_kiosk()
    kiosk.window.render(dataclasses.replace(FULL, step=Step.PIN, tries_left=None))
    for ident in ("pin-tries", "pin-error"):
        assert not kiosk.window.findChild(QLabel, ident).isVisibleTo(kiosk.window)


def test_the_tries_left_in_english_count_one_try_and_many(make_kiosk) -> None:
    kiosk = make_kiosk()
    kiosk.translations.switch(Language.EN)
    kiosk.window.render(dataclasses.replace(FULL, step=Step.PIN, tries_left=1))
    assert kiosk.window.findChild(QLabel, "pin-tries").text() == "1 try left"
    kiosk.window.render(dataclasses.replace(FULL, step=Step.PIN, tries_left=3))
    assert kiosk.window.findChild(QLabel, "pin-tries").text() == "3 tries left"


def test_a_refused_settlement_shows_the_platforms_reason_and_the_slip(make_kiosk) -> None:
    kiosk = make_kiosk()
    kiosk.window.render(dataclasses.replace(FULL, step=Step.REFUSED))
    page = shown(kiosk)
    assert page.reason.text() == "参保人已停保"
    assert "TX-0001" in page.slip.text() and "不要重复缴费" in page.slip.text()


def test_the_offline_banner_says_what_offline_mode_allows(make_kiosk) -> None:
    kiosk = make_kiosk()
    kiosk.window.render(View(offline=True))
    banner = kiosk.window.findChild(QLabel, "offline-banner")
    assert banner.isVisibleTo(kiosk.window) and "自费" in banner.text()


def test_every_control_has_an_accessible_name_and_every_element_an_identifier(
    make_kiosk,
) -> None:
    kiosk = make_kiosk()
    for step in Step:
        kiosk.window.render(dataclasses.replace(FULL, step=step))
        page = shown(kiosk)
        for widget in page.findChildren(QWidget):
            if not widget.isVisibleTo(page) or widget.parent() is None:
                continue
            if isinstance(widget, QPushButton):
                assert widget.accessibleName(), widget.objectName()
            if isinstance(widget, (QPushButton, QLabel)):
                assert widget.accessibleIdentifier(), f"{step.value}: {widget!r}"
            if isinstance(widget, QLabel):
                assert widget.accessibleName() == "", widget.objectName()


def test_the_window_refuses_to_close_without_the_technician(qtbot: QtBot, make_kiosk) -> None:
    kiosk = make_kiosk()
    assert kiosk.window.close() is False and kiosk.window.isVisible()


def test_the_technician_sequence_then_the_pin_closes_the_kiosk(qtbot: QtBot, make_kiosk) -> None:
    kiosk = make_kiosk()
    kiosk.window.activateWindow()
    kiosk.window.open_technician()
    keypad = kiosk.window.technician.keypad
    qtbot.keyClicks(keypad, "000000")
    qtbot.keyClick(keypad, Qt.Key.Key_Return)
    assert kiosk.window.isVisible() and kiosk.window.technician.error.isVisibleTo(kiosk.window)
    qtbot.keyClicks(keypad, "123456")
    qtbot.keyClick(keypad, Qt.Key.Key_Return)
    assert not kiosk.window.isVisible()


def test_lockdown_is_frameless_and_on_top(make_kiosk) -> None:
    kiosk = make_kiosk()
    kiosk.window.lock_down()
    flags = kiosk.window.windowFlags()
    assert flags & Qt.WindowType.FramelessWindowHint
    assert flags & Qt.WindowType.WindowStaysOnTopHint


def test_elder_mode_shows_fewer_lines_and_the_left_to_pay_line_explains_them_all(
    qtbot: QtBot, make_kiosk
) -> None:
    kiosk = make_kiosk(Look(elder=True))
    kiosk.window.render(dataclasses.replace(FULL, step=Step.BREAKDOWN))
    page = shown(kiosk)
    table = page.view_widget.table
    names = [table.item(r, 0).text() for r in range(table.rowCount())]
    assert not any("其中" in name for name in names)
    table.cellClicked.emit(next(r for r, n in enumerate(names) if "还需您支付" in n), 0)
    assert "丙类" in page.why.text() and "起付" in page.why.text()
    qtbot.wait(20)
    assert_nothing_clipped(page)
    page.lines.click()
    assert page.view_widget.table.isVisibleTo(page) and not page.why.isVisibleTo(page)


@pytest.mark.parametrize("language", list(Language))
@pytest.mark.parametrize("elder", [False, True])
def test_every_page_fits_the_screen_unclipped(
    qtbot: QtBot, make_kiosk, elder: bool, language: Language
) -> None:
    kiosk = make_kiosk(Look(elder=elder))
    kiosk.translations.switch(language)
    qtbot.wait(10)  # LanguageChange reaches the pages
    for step in Step:
        kiosk.window.render(dataclasses.replace(FULL, step=step, offline=True))
        qtbot.wait(10)
        assert_nothing_clipped(shown(kiosk))
