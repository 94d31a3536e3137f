"""The person's unpaid orders from the HIS, one group per visit (department and doctor),
each with its amount; all are chosen at first, a tap takes one out. The patient's home once
identified: the other services (register, today's payments, my prescriptions, the city
plan) start here."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QGridLayout, QVBoxLayout, QWidget

from kernel.money import money_sum
from terminal.flows.bill import lines_from_orders
from terminal.flows.journey import Event, Step, View
from terminal.his import HisOrder
from ui.kiosk.pages import Page, page_for
from ui.widgets import identify, label
from ui.widgets.buttons import BigButton


def order_total(order: HisOrder) -> str:
    return str(money_sum(line.amount for line in lines_from_orders([order])))


@page_for(Step.ORDERS)
class OrdersPage(Page):
    ident = "orders"

    def build(self) -> None:
        self.empty = label("orders-empty", "muted")
        self.body.addWidget(self.empty)
        self.boxes: list[tuple[QCheckBox, HisOrder]] = []
        self._pool: list[QCheckBox] = []
        self.list = QWidget()
        self.list_layout = QVBoxLayout(self.list)
        self.body.addWidget(self.list)
        self.body.addStretch(1)
        self.services = QGridLayout()  # two a row: four fit elder mode's type in English
        self._offered: list[BigButton] = []
        self.register = self._service("register", Event.REGISTER_CHOSEN)
        self.paid_today = self._service("paid-today", Event.PAID_TODAY_CHOSEN)
        self.my_rx = self._service("my-rx", Event.MY_RX_CHOSEN)
        self.plan = self._service("plan", Event.PLAN_CHOSEN)
        self.body.addLayout(self.services)
        self.cancel = self.button("cancel", Event.CANCEL)
        self.next = self.button("next", None, "primary")
        self.next.clicked.connect(self._chosen)

    def _service(self, name: str, event: Event) -> BigButton:
        button = BigButton(f"orders-{name}")
        button.clicked.connect(lambda: self.send(event))
        self.services.addWidget(button, *divmod(self.services.count(), 2))
        self._offered.append(button)
        return button

    def _place_services(self) -> None:
        """The services offered here, two a row, with no gap where one is not offered."""
        shown = [b for b in self._offered if not b.isHidden()]
        for button in self._offered:
            self.services.removeWidget(button)
        for index, button in enumerate(shown):
            self.services.addWidget(button, *divmod(index, 2))

    def show_view(self, view: View) -> None:
        self.register.setVisible(view.registration_offered)
        self.my_rx.setVisible(view.rx_offered)
        self.plan.setVisible(view.plan_offered)
        self._place_services()
        # the boxes are kept and reused from one patient to the next (one per visit, hidden
        # when fewer are needed): a new widget is styled by the whole style sheet first, a
        # cost a patient waits for at every orders screen
        if [o.rxno for _, o in self.boxes] == [o.rxno for o in view.orders]:
            return  # the same orders again (a touch): keep what the patient unticked
        while len(self._pool) < len(view.orders):
            box = QCheckBox()
            identify(box, f"orders-visit-{len(self._pool)}", "")
            box.toggled.connect(self._update)
            self.list_layout.addWidget(box)
            self._pool.append(box)
        self.boxes = list(zip(self._pool, view.orders, strict=False))  # the pool may be longer
        for index, box in enumerate(self._pool):
            box.setChecked(True)
            box.setVisible(index < len(view.orders))
            if index >= len(view.orders):  # a spare box keeps nothing of the last patient
                box.setText("")
                box.setAccessibleName("")

    def retranslate(self) -> None:
        self.prompt.setText(self.tr("请选择要缴费的项目"))
        self.empty.setText(self.tr("没有查到待缴费的项目。如有疑问,请到人工窗口咨询。"))
        self.empty.setVisible(not self.boxes)
        for box, order in self.boxes:
            text = self.tr("{dept} · {doctor}  共 %n 项  {amount} 元", "", len(order.items))
            amount = order_total(order)
            text = text.format(dept=order.dept_name, doctor=order.dr_name, amount=amount)
            box.setText(text)
            box.setAccessibleName(text)
        self.cancel.set_label(self.tr("取消"))
        self.next.set_label(self.tr("下一步"))
        self.register.set_label(self.tr("挂号"))
        self.paid_today.set_label(self.tr("当日缴费记录 / 补打凭条"))
        self.my_rx.set_label(self.tr("我的处方"))
        self.plan.set_label(self.tr("惠民保投保/续保"))
        self._update()

    def _update(self) -> None:
        self.next.setEnabled(any(box.isChecked() for box, _ in self.boxes))

    def _chosen(self) -> None:
        self.send(Event.ORDERS_CHOSEN, [o.rxno for box, o in self.boxes if box.isChecked()])

    def first_focus(self) -> QWidget:
        return self.next
