"""Register for a visit (挂号): a department, then a doctor's session of today with its
numbers left and the registration fee. Choosing one takes the number; the fee is then paid
as any order is (the breakdown, the payment, the receipt): the journey's steps, not this
screen's."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QWidget

from terminal.flows.journey import Event, Step, View
from terminal.his import Department, Doctor, Slot
from ui.kiosk.pages import Page, page_for
from ui.kiosk.service_parts import ServiceNotice, clear
from ui.widgets import label
from ui.widgets.buttons import BigButton


@page_for(Step.REGISTER, Step.REGISTERING)
class RegisterPage(Page):
    ident = "register"

    def build(self) -> None:
        self.notice = ServiceNotice("register-notice")
        self.status = label("register-status", "muted")
        self.status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.depts = QHBoxLayout()
        self.doctors = QGridLayout()
        self.doctors.setColumnStretch(0, 1)
        self.body.addWidget(self.notice)
        self.body.addWidget(self.status)
        self.body.addLayout(self.depts)
        self.body.addLayout(self.doctors)
        self.body.addStretch(1)
        self.dept_buttons: list[tuple[BigButton, Department]] = []
        self.slot_buttons: list[tuple[BigButton, Doctor, Slot]] = []
        self.doctor_labels: list[tuple[QWidget, Doctor]] = []
        self.dept_code = ""  # the department shown: the screen's own choice, not the journey's
        self.back = self.button("back", Event.BACK)
        self.cancel = self.button("cancel", Event.CANCEL)

    def show_view(self, view: View) -> None:
        self.back.setEnabled(view.step is not Step.REGISTERING)  # the number is being taken
        clear(self.depts)
        self.dept_buttons = []
        departments = view.departments or ()
        codes = [d.dept_code for d in departments]
        if self.dept_code not in codes:
            self.dept_code = codes[0] if codes else ""
        for dept in departments:
            button = BigButton(f"register-dept-{dept.dept_code}")
            button.setCheckable(True)
            button.setChecked(dept.dept_code == self.dept_code)
            button.clicked.connect(lambda _=False, code=dept.dept_code: self._show_dept(code))
            self.depts.addWidget(button)
            self.dept_buttons.append((button, dept))
        self._show_doctors()

    def _show_dept(self, code: str) -> None:
        self.dept_code = code
        for button, dept in self.dept_buttons:
            button.setChecked(dept.dept_code == code)
        self._show_doctors()
        self.retranslate()

    def _show_doctors(self) -> None:
        clear(self.doctors)
        self.slot_buttons, self.doctor_labels = [], []
        dept = next((d for _, d in self.dept_buttons if d.dept_code == self.dept_code), None)
        working = self.view.step is Step.REGISTERING or self.view.busy
        for row, doctor in enumerate(dept.doctors if dept is not None else ()):
            name = label(f"register-doctor-{doctor.dr_code}")
            self.doctors.addWidget(name, row, 0)
            self.doctor_labels.append((name, doctor))
            for column, slot in enumerate(doctor.slots, start=1):
                button = BigButton(f"register-slot-{doctor.dr_code}-{slot.period}", "primary")
                button.setEnabled(slot.left > 0 and not working)
                button.clicked.connect(
                    lambda _=False, d=doctor.dr_code, p=slot.period: self.send(
                        Event.DOCTOR_CHOSEN, (d, p)
                    )
                )
                self.doctors.addWidget(button, row, column)
                self.slot_buttons.append((button, doctor, slot))

    def retranslate(self) -> None:
        self.prompt.setText(self.tr("挂号:请选择科室和医生"))
        self.notice.retranslate()
        self.notice.show_notice(self.view.notice)
        if self.view.step is Step.REGISTERING:
            status = self.tr("正在为您挂号,请稍候")
        elif self.view.departments is None and not self.view.notice:
            status = self.tr("正在查询今日号源")
        else:
            status = self.tr("挂号费由医保按规定报销,个人部分在下一步支付")
        self.status.setText(status)
        for button, dept in self.dept_buttons:
            button.set_label(dept.dept_name)
        for name, doctor in self.doctor_labels:
            name.setText(self.tr("{name}  {title}  挂号费 {fee} 元").format(
                name=doctor.dr_name, title=doctor.title, fee=doctor.fee))
        periods = {"am": self.tr("上午"), "pm": self.tr("下午")}
        for button, _doctor, slot in self.slot_buttons:
            period = periods.get(slot.period, slot.period)
            if slot.left > 0:
                text = self.tr("{period} {hours}\n余 {left} 个号").format(
                    period=period, hours=slot.hours, left=slot.left)
            else:
                text = self.tr("{period} {hours}\n已满").format(period=period, hours=slot.hours)
            button.set_label(text)
        self.back.set_label(self.tr("返回"))
        self.cancel.set_label(self.tr("退出"))

    def first_focus(self) -> QWidget:
        return self.back
