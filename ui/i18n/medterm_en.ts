<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US" sourcelanguage="zh_CN">
<context>
    <name>BreakdownPage</name>
    <message>
        <location filename="../kiosk/breakdown.py" line="77"/>
        <source>全自费项目:不在医保目录内(丙类)的药品和项目,医保不报销。</source>
        <translation>Fully self-paid: drugs and services outside the insurance list (class C) are not covered.</translation>
    </message>
    <message>
        <location filename="../kiosk/breakdown.py" line="78"/>
        <source>超出限价部分:价格高于医保支付标准,超出的部分由个人支付。</source>
        <translation>Over the price limit: the price is above the insurance&apos;s standard; you pay the part above it.</translation>
    </message>
    <message>
        <location filename="../kiosk/breakdown.py" line="79"/>
        <source>乙类先行自付:乙类药品和项目先由个人按比例支付一部分。</source>
        <translation>Class B share: for class B drugs and services you first pay a fixed share yourself.</translation>
    </message>
    <message>
        <location filename="../kiosk/breakdown.py" line="80"/>
        <source>起付线:本年度累计费用未达到起付标准的部分,由个人支付。</source>
        <translation>Deductible: this year&apos;s costs below the deductible are paid by you.</translation>
    </message>
    <message>
        <location filename="../kiosk/breakdown.py" line="81"/>
        <source>统筹内按比例自付:医保按比例报销后,剩余比例由个人支付。</source>
        <translation>Your share within the scheme: after the fund pays its percentage, you pay the rest.</translation>
    </message>
    <message>
        <location filename="../kiosk/breakdown.py" line="82"/>
        <source>其他个人负担:例如超过医保年度最高支付限额的部分,由个人支付。</source>
        <translation>Other costs of yours: for example the part above the fund&apos;s yearly limit is paid by you.</translation>
    </message>
    <message>
        <location filename="../kiosk/breakdown.py" line="84"/>
        <source>其他基金为您减负:公务员补助、大病保险等基金为您支付了上面的一部分。</source>
        <translation>Other funds lowered your share: civil-servant subsidy, serious-illness insurance and the like paid part of the lines above.</translation>
    </message>
    <message>
        <location filename="../kiosk/breakdown.py" line="89"/>
        <source>医保结算明细</source>
        <translation>Your insurance breakdown</translation>
    </message>
    <message>
        <location filename="../kiosk/breakdown.py" line="91"/>
        <source>医保平台暂时无法连接:以下为预估金额,联网后以平台结算为准。</source>
        <translation>Insurance platform offline: these amounts are an estimate until it is back.</translation>
    </message>
    <message>
        <location filename="../kiosk/breakdown.py" line="114"/>
        <source>返回明细</source>
        <translation>Back to the breakdown</translation>
    </message>
    <message>
        <location filename="../kiosk/breakdown.py" line="115"/>
        <source>还需支付 {amount} 元</source>
        <translation>Left to pay: {amount} yuan</translation>
    </message>
    <message>
        <location filename="../kiosk/breakdown.py" line="116"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../kiosk/breakdown.py" line="117"/>
        <source>手机扫码支付</source>
        <translation>Scan with your phone</translation>
    </message>
    <message>
        <location filename="../kiosk/breakdown.py" line="118"/>
        <source>出示付款码</source>
        <translation>Show payment code</translation>
    </message>
    <message>
        <location filename="../kiosk/breakdown.py" line="119"/>
        <source>信用就医(先看病后付费)</source>
        <translation>Credit care (pay later)</translation>
    </message>
    <message>
        <location filename="../kiosk/breakdown.py" line="121"/>
        <source>支付未成功:{reason}。没有扣款,请换一种方式支付。</source>
        <translation>The payment did not go through: {reason}. Nothing was charged; please choose another way to pay.</translation>
    </message>
    <message>
        <location filename="../kiosk/breakdown.py" line="125"/>
        <source>确认结算</source>
        <translation>Confirm</translation>
    </message>
    <message>
        <location filename="../kiosk/breakdown.py" line="126"/>
        <source>不使用商业保险</source>
        <translation>Don&apos;t use my commercial plan</translation>
    </message>
    <message>
        <location filename="../kiosk/breakdown.py" line="128"/>
        <source>本次不使用商业保险:个人负担部分由您自己支付。</source>
        <translation>Your commercial plan is not used this time: you pay your whole share yourself.</translation>
    </message>
</context>
<context>
    <name>BreakdownView</name>
    <message>
        <location filename="../widgets/breakdown.py" line="160"/>
        <source>医疗费用总额</source>
        <translation>Total medical costs</translation>
    </message>
    <message>
        <location filename="../widgets/breakdown.py" line="161"/>
        <source>医保基金支付</source>
        <translation>Insurance fund</translation>
    </message>
    <message>
        <location filename="../widgets/breakdown.py" line="162"/>
        <source>您个人负担</source>
        <translation>Your share</translation>
    </message>
    <message>
        <location filename="../widgets/breakdown.py" line="163"/>
        <source>个人账户支付</source>
        <translation>Your personal account</translation>
    </message>
    <message>
        <location filename="../widgets/breakdown.py" line="164"/>
        <source>家庭共济账户支付</source>
        <translation>A family member&apos;s account</translation>
    </message>
    <message>
        <location filename="../widgets/breakdown.py" line="165"/>
        <source>商业保险支付</source>
        <translation>Commercial plan</translation>
    </message>
    <message>
        <location filename="../widgets/breakdown.py" line="166"/>
        <source>还需您支付</source>
        <translation>Left for you to pay</translation>
    </message>
    <message>
        <location filename="../widgets/breakdown.py" line="167"/>
        <source>全自费项目</source>
        <translation>Fully self-paid</translation>
    </message>
    <message>
        <location filename="../widgets/breakdown.py" line="168"/>
        <source>超出限价部分</source>
        <translation>Over the price limit</translation>
    </message>
    <message>
        <location filename="../widgets/breakdown.py" line="169"/>
        <source>乙类先行自付</source>
        <translation>Class B share</translation>
    </message>
    <message>
        <location filename="../widgets/breakdown.py" line="170"/>
        <source>起付线以下</source>
        <translation>Below the deductible</translation>
    </message>
    <message>
        <location filename="../widgets/breakdown.py" line="171"/>
        <source>统筹内按比例自付</source>
        <translation>Your share in the scheme</translation>
    </message>
    <message>
        <location filename="../widgets/breakdown.py" line="172"/>
        <source>其他个人负担</source>
        <translation>Other costs of yours</translation>
    </message>
    <message>
        <location filename="../widgets/breakdown.py" line="173"/>
        <source>其他基金为您减负</source>
        <translation>Other funds paid part</translation>
    </message>
    <message>
        <location filename="../widgets/breakdown.py" line="181"/>
        <source>您负担的 {amount} 元由以下部分组成(点一行看原因):</source>
        <translation>Your {amount} is made of (tap a line for why):</translation>
    </message>
    <message>
        <location filename="../widgets/breakdown.py" line="185"/>
        <source>您个人负担的 {amount} 元,这样支付:</source>
        <translation>How your {amount} is paid:</translation>
    </message>
    <message>
        <location filename="../widgets/breakdown.py" line="188"/>
        <source>还需您支付(点击查看原因)</source>
        <translation>Left to pay (tap for why)</translation>
    </message>
    <message>
        <location filename="../widgets/breakdown.py" line="206"/>
        <source>谁来支付</source>
        <translation>Who pays</translation>
    </message>
    <message>
        <location filename="../widgets/breakdown.py" line="206"/>
        <source>为什么由您负担</source>
        <translation>Why it is yours</translation>
    </message>
    <message>
        <location filename="../widgets/breakdown.py" line="205"/>
        <source>金额(元)</source>
        <translation>Amount (yuan)</translation>
    </message>
</context>
<context>
    <name>Countdown</name>
    <message>
        <location filename="../widgets/countdown.py" line="41"/>
        <source>剩余 {seconds} 秒</source>
        <translation>{seconds} seconds left</translation>
    </message>
</context>
<context>
    <name>DonePage</name>
    <message>
        <location filename="../kiosk/done.py" line="43"/>
        <source>缴费成功</source>
        <translation>Payment complete</translation>
    </message>
    <message>
        <location filename="../kiosk/done.py" line="47"/>
        <source>医保支付 {fund} 元,个人账户 {account} 元,个人支付 {cash} 元</source>
        <translation>Insurance paid {fund} yuan, your account {account} yuan, you paid {cash} yuan</translation>
    </message>
    <message>
        <location filename="../kiosk/done.py" line="53"/>
        <source>请取走打印的凭条;也可扫码保存电子凭证</source>
        <translation>Please take your printed receipt, or scan the code to keep an e-receipt</translation>
    </message>
    <message>
        <location filename="../kiosk/done.py" line="59"/>
        <source>商业保险</source>
        <translation>The commercial plan</translation>
    </message>
    <message>
        <location filename="../kiosk/done.py" line="61"/>
        <source>{plan}支付 {amount} 元</source>
        <translation>{plan} paid {amount} yuan</translation>
    </message>
    <message>
        <location filename="../kiosk/done.py" line="63"/>
        <source>{plan}未予赔付:{reason}。剩余部分已由您支付。</source>
        <translation>{plan} did not pay: {reason}. You paid the rest.</translation>
    </message>
    <message>
        <location filename="../kiosk/done.py" line="67"/>
        <source>{plan}暂时无法连接,本次未赔付,剩余部分已由您支付。</source>
        <translation>{plan} could not be reached and paid nothing this time. You paid the rest.</translation>
    </message>
    <message>
        <location filename="../kiosk/done.py" line="71"/>
        <source>{plan}将在联网后申请赔付,赔付金额会退还给您。</source>
        <translation>{plan} will be claimed when the terminal is online again; what it pays is refunded to you.</translation>
    </message>
    <message>
        <location filename="../kiosk/done.py" line="54"/>
        <source>完成</source>
        <translation>Done</translation>
    </message>
</context>
<context>
    <name>FaceFailedPage</name>
    <message>
        <location filename="../kiosk/face_failed.py" line="41"/>
        <source>刷脸未通过</source>
        <translation>Face check not passed</translation>
    </message>
    <message>
        <location filename="../kiosk/face_failed.py" line="42"/>
        <source>未能确认是您本人</source>
        <translation>We could not confirm that it is you</translation>
    </message>
    <message>
        <location filename="../kiosk/face_failed.py" line="44"/>
        <source>还可以再试 {tries} 次</source>
        <translation>You can try {tries} more times</translation>
    </message>
    <message>
        <location filename="../kiosk/face_failed.py" line="46"/>
        <source>刷脸次数已用完</source>
        <translation>No face check tries left</translation>
    </message>
    <message>
        <location filename="../kiosk/face_failed.py" line="48"/>
        <source>不方便眨眼或转头(如年长、面瘫)?可请工作人员协助核验。</source>
        <translation>Hard to blink or turn your head (for example with age or facial palsy)? A staff member can verify you.</translation>
    </message>
    <message>
        <location filename="../kiosk/face_failed.py" line="49"/>
        <source>也可以改用社保卡、身份证或医保电子凭证。</source>
        <translation>You can also use your social security card, ID card or e-voucher.</translation>
    </message>
    <message>
        <location filename="../kiosk/face_failed.py" line="51"/>
        <source>改用其他方式</source>
        <translation>Use another way</translation>
    </message>
    <message>
        <location filename="../kiosk/face_failed.py" line="52"/>
        <source>工作人员协助</source>
        <translation>Staff help</translation>
    </message>
    <message>
        <location filename="../kiosk/face_failed.py" line="53"/>
        <source>再试一次</source>
        <translation>Try again</translation>
    </message>
    <message>
        <location filename="../kiosk/face_failed.py" line="58"/>
        <source>没有看到人脸,请正对摄像头</source>
        <translation>No face seen: please look at the camera</translation>
    </message>
    <message>
        <location filename="../kiosk/face_failed.py" line="59"/>
        <source>人脸不完整,请将整张脸移入框内</source>
        <translation>Part of your face is outside: move your whole face into the frame</translation>
    </message>
    <message>
        <location filename="../kiosk/face_failed.py" line="60"/>
        <source>画面中有多张人脸,请仅本人面对摄像头</source>
        <translation>More than one face: only the patient, please</translation>
    </message>
    <message>
        <location filename="../kiosk/face_failed.py" line="61"/>
        <source>人脸与登记照片不一致</source>
        <translation>Your face does not match the enrolled photo</translation>
    </message>
    <message>
        <location filename="../kiosk/face_failed.py" line="62"/>
        <source>没有看到提示的眨眼或转头动作</source>
        <translation>The blink or head turn asked for was not seen</translation>
    </message>
    <message>
        <location filename="../kiosk/face_failed.py" line="63"/>
        <source>画面没有变化:请本人面对摄像头,照片和屏幕不能使用</source>
        <translation>The picture does not move: face the camera yourself; photos and screens do not work</translation>
    </message>
    <message>
        <location filename="../kiosk/face_failed.py" line="64"/>
        <source>在规定时间内没有看到人脸</source>
        <translation>No face was seen in time</translation>
    </message>
    <message>
        <location filename="../kiosk/face_failed.py" line="65"/>
        <source>检测过程中人脸发生了变化</source>
        <translation>The face changed during the check</translation>
    </message>
    <message>
        <location filename="../kiosk/face_failed.py" line="66"/>
        <source>摄像头不可用</source>
        <translation>The camera is not available</translation>
    </message>
    <message>
        <location filename="../kiosk/face_failed.py" line="67"/>
        <source>摄像头没有画面</source>
        <translation>The camera shows no picture</translation>
    </message>
    <message>
        <location filename="../kiosk/face_failed.py" line="68"/>
        <source>没有找到与您匹配的登记人脸</source>
        <translation>No enrolled face matches yours</translation>
    </message>
    <message>
        <location filename="../kiosk/face_failed.py" line="69"/>
        <source>刷脸授权已失效,请重新刷脸</source>
        <translation>The face authorisation has expired: please try again</translation>
    </message>
    <message>
        <location filename="../kiosk/face_failed.py" line="70"/>
        <source>您尚未登记人脸,无法核验</source>
        <translation>No face is enrolled for you, so it cannot be checked</translation>
    </message>
</context>
<context>
    <name>FacePage</name>
    <message>
        <location filename="../kiosk/face.py" line="62"/>
        <source>返回</source>
        <translation>Back</translation>
    </message>
    <message>
        <location filename="../kiosk/face.py" line="49"/>
        <location filename="../kiosk/face.py" line="60"/>
        <source>请正对摄像头</source>
        <translation>Please look at the camera</translation>
    </message>
    <message>
        <location filename="../kiosk/face.py" line="50"/>
        <source>请将整张脸移入框内</source>
        <translation>Please move your whole face into the frame</translation>
    </message>
    <message>
        <location filename="../kiosk/face.py" line="51"/>
        <source>请仅本人面对摄像头</source>
        <translation>Only the patient in front of the camera, please</translation>
    </message>
    <message>
        <location filename="../kiosk/face.py" line="52"/>
        <source>请眨眼</source>
        <translation>Please blink</translation>
    </message>
    <message>
        <location filename="../kiosk/face.py" line="53"/>
        <source>请向左转头</source>
        <translation>Please turn your head to your left</translation>
    </message>
    <message>
        <location filename="../kiosk/face.py" line="54"/>
        <source>请向右转头</source>
        <translation>Please turn your head to your right</translation>
    </message>
    <message>
        <location filename="../kiosk/face.py" line="55"/>
        <source>请转回正面</source>
        <translation>Please look at the camera again</translation>
    </message>
    <message>
        <location filename="../kiosk/face.py" line="56"/>
        <source>检测通过,正在识别</source>
        <translation>Thank you: identifying you</translation>
    </message>
    <message>
        <location filename="../kiosk/face.py" line="61"/>
        <source>请把脸放在框内,摘下帽子和口罩;也可以返回,改用社保卡或电子凭证</source>
        <translation>Put your face inside the frame and take off hat and mask; or go back and use your card or e-voucher</translation>
    </message>
</context>
<context>
    <name>KioskWindow</name>
    <message>
        <location filename="../kiosk/window.py" line="214"/>
        <source>医保平台暂时无法连接:现在无法办理医保缴费,请稍后再试或到人工窗口。</source>
        <translation>The insurance platform cannot be reached: insurance payments are not possible now. Please try again later or go to the staffed window.</translation>
    </message>
    <message>
        <location filename="../kiosk/window.py" line="216"/>
        <source>医保平台暂时无法连接:现在可以插社保卡或放身份证,先全额自费缴费,联网后自动补办医保结算并退回医保部分。电子凭证和刷脸暂不可用。</source>
        <translation>The insurance platform cannot be reached: with your card or ID card you can pay the whole bill now; the insurance part is settled and paid back once it is reachable. The e-voucher and face are not available now.</translation>
    </message>
    <message>
        <location filename="../kiosk/window.py" line="220"/>
        <source>医保平台暂时无法连接:现在可以插社保卡或放身份证,按预估金额先付个人部分,联网后以医保平台结算为准。电子凭证和刷脸暂不可用。</source>
        <translation>The insurance platform cannot be reached: with your card or ID card you can pay your estimated part now; the platform&apos;s settlement decides once it is reachable. The e-voucher and face are not available now.</translation>
    </message>
    <message>
        <location filename="../kiosk/window.py" line="228"/>
        <source>待上传医保记录 {count} 笔,联网后自动上传</source>
        <translation>{count} insurance records wait to be sent; they are sent when the platform is reachable</translation>
    </message>
</context>
<context>
    <name>MulaidPage</name>
    <message>
        <location filename="../kiosk/mulaid.py" line="34"/>
        <source>配偶</source>
        <translation>spouse</translation>
    </message>
    <message>
        <location filename="../kiosk/mulaid.py" line="35"/>
        <source>父母</source>
        <translation>parent</translation>
    </message>
    <message>
        <location filename="../kiosk/mulaid.py" line="36"/>
        <source>子女</source>
        <translation>child</translation>
    </message>
    <message>
        <location filename="../kiosk/mulaid.py" line="40"/>
        <source>使用家庭共济账户支付吗?</source>
        <translation>Use a family member&apos;s account?</translation>
    </message>
    <message>
        <location filename="../kiosk/mulaid.py" line="42"/>
        <source>您的个人账户余额不足,还需支付 {amount} 元。您绑定的家庭成员的个人账户可以为您支付(家庭共济)。使用前需要您同意。</source>
        <translation>Your personal account does not cover it all: {amount} yuan is left to pay. The personal account of a family member linked to yours can pay it (family mutual aid), but only if you agree.</translation>
    </message>
    <message>
        <location filename="../kiosk/mulaid.py" line="47"/>
        <source>家庭成员</source>
        <translation>family member</translation>
    </message>
    <message>
        <location filename="../kiosk/mulaid.py" line="49"/>
        <source>{relation} {name}  账户余额 {balance} 元</source>
        <translation>{relation} {name}  balance {balance} yuan</translation>
    </message>
    <message>
        <location filename="../kiosk/mulaid.py" line="55"/>
        <source>不使用,自己支付</source>
        <translation>No, I pay myself</translation>
    </message>
    <message>
        <location filename="../kiosk/mulaid.py" line="56"/>
        <source>同意使用</source>
        <translation>Yes, use it</translation>
    </message>
</context>
<context>
    <name>MyRxPage</name>
    <message>
        <location filename="../kiosk/my_rx.py" line="69"/>
        <source>我的电子处方</source>
        <translation>My e-prescriptions</translation>
    </message>
    <message>
        <location filename="../kiosk/my_rx.py" line="72"/>
        <source>正在查询您的处方和各药店价格,请稍候</source>
        <translation>Looking up your prescriptions and the pharmacies&apos; prices, please wait</translation>
    </message>
    <message>
        <location filename="../kiosk/my_rx.py" line="74"/>
        <source>处方流转平台上没有查到您的电子处方。</source>
        <translation>No e-prescription of yours was found at the prescription centre.</translation>
    </message>
    <message>
        <location filename="../kiosk/my_rx.py" line="76"/>
        <source>药店价格仅供参考,以购药时为准。</source>
        <translation>Pharmacy prices are for reference; the price when you buy applies.</translation>
    </message>
    <message>
        <location filename="../kiosk/my_rx.py" line="81"/>
        <source>有效</source>
        <translation>valid</translation>
    </message>
    <message>
        <location filename="../kiosk/my_rx.py" line="81"/>
        <source>已撤销</source>
        <translation>revoked</translation>
    </message>
    <message>
        <location filename="../kiosk/my_rx.py" line="82"/>
        <source>已过期</source>
        <translation>expired</translation>
    </message>
    <message>
        <location filename="../kiosk/my_rx.py" line="85"/>
        <source>未取药</source>
        <translation>not dispensed</translation>
    </message>
    <message>
        <location filename="../kiosk/my_rx.py" line="85"/>
        <source>药店审核中</source>
        <translation>under review at a pharmacy</translation>
    </message>
    <message>
        <location filename="../kiosk/my_rx.py" line="86"/>
        <source>已取药</source>
        <translation>dispensed</translation>
    </message>
    <message>
        <location filename="../kiosk/my_rx.py" line="89"/>
        <source>{hospital} · {doctor}  {status} · {use}
有效期至 {until}</source>
        <translation>{hospital} · {doctor}  {status} · {use}
valid until {until}</translation>
    </message>
    <message>
        <location filename="../kiosk/my_rx.py" line="93"/>
        <source>{drug}:以下药店有售</source>
        <translation>{drug}: sold at these pharmacies</translation>
    </message>
    <message>
        <location filename="../kiosk/my_rx.py" line="94"/>
        <source>{drug}:暂未查到药店价格</source>
        <translation>{drug}: no pharmacy prices found yet</translation>
    </message>
    <message>
        <location filename="../kiosk/my_rx.py" line="97"/>
        <source>{pharmacy}  {price} 元  {level}</source>
        <translation>{pharmacy}  {price} yuan  {level}</translation>
    </message>
    <message>
        <location filename="../kiosk/my_rx.py" line="99"/>
        <source>返回</source>
        <translation>Back</translation>
    </message>
    <message>
        <location filename="../kiosk/my_rx.py" line="100"/>
        <source>退出</source>
        <translation>Exit</translation>
    </message>
</context>
<context>
    <name>NoticePage</name>
    <message>
        <location filename="../kiosk/notices.py" line="50"/>
        <source>社保卡已拔出</source>
        <translation>The card was taken out</translation>
    </message>
    <message>
        <location filename="../kiosk/notices.py" line="51"/>
        <source>本次缴费已取消,没有扣款。如需缴费,请重新插卡。</source>
        <translation>This payment was cancelled and nothing was charged. To pay, insert the card again.</translation>
    </message>
    <message>
        <location filename="../kiosk/notices.py" line="54"/>
        <source>社保卡密码已锁定</source>
        <translation>The card&apos;s PIN is blocked</translation>
    </message>
    <message>
        <location filename="../kiosk/notices.py" line="55"/>
        <source>密码错误次数过多,卡片已自动锁定。请到社保服务窗口解锁;今天也可以改用医保电子凭证或身份证缴费。</source>
        <translation>Too many wrong PINs locked the card. Unlock it at a social security office; today you can pay with the e-voucher or your ID card.</translation>
    </message>
    <message>
        <location filename="../kiosk/notices.py" line="59"/>
        <source>二维码已过期</source>
        <translation>The QR code has expired</translation>
    </message>
    <message>
        <location filename="../kiosk/notices.py" line="60"/>
        <source>没有扣款。请点击“重新支付”生成新的二维码。</source>
        <translation>Nothing was charged. Tap &quot;Pay again&quot; for a new QR code.</translation>
    </message>
    <message>
        <location filename="../kiosk/notices.py" line="63"/>
        <source>支付未在规定时间内完成</source>
        <translation>The payment was not completed in time</translation>
    </message>
    <message>
        <location filename="../kiosk/notices.py" line="64"/>
        <source>订单已关闭,没有扣款。可以重新支付,或取消。</source>
        <translation>The order was closed and nothing was charged. You can pay again, or cancel.</translation>
    </message>
    <message>
        <location filename="../kiosk/notices.py" line="67"/>
        <source>缴费成功,但打印机缺纸</source>
        <translation>Paid, but the printer is out of paper</translation>
    </message>
    <message>
        <location filename="../kiosk/notices.py" line="68"/>
        <source>凭条未能打印。请持此参考号到人工窗口补打凭条,不要重复缴费。</source>
        <translation>The receipt could not be printed. Take this reference number to the staffed window for a copy; do not pay again.</translation>
    </message>
    <message>
        <location filename="../kiosk/notices.py" line="71"/>
        <source>医保结算未成功</source>
        <translation>The insurance settlement did not go through</translation>
    </message>
    <message>
        <location filename="../kiosk/notices.py" line="72"/>
        <source>您的付款已原路退回。医保平台给出的原因:</source>
        <translation>Your payment was refunded. The insurance platform&apos;s reason:</translation>
    </message>
    <message>
        <location filename="../kiosk/notices.py" line="75"/>
        <source>结算结果待确认</source>
        <translation>The settlement is not confirmed yet</translation>
    </message>
    <message>
        <location filename="../kiosk/notices.py" line="76"/>
        <source>您的付款已记录,系统会自动确认结算结果。请不要重复缴费。</source>
        <translation>Your payment is recorded; the terminal confirms the settlement by itself. Do not pay again.</translation>
    </message>
    <message>
        <location filename="../kiosk/notices.py" line="79"/>
        <source>缴费未完成</source>
        <translation>The payment was not completed</translation>
    </message>
    <message>
        <location filename="../kiosk/notices.py" line="80"/>
        <source>终端暂时无法完成本次缴费。</source>
        <translation>The terminal cannot complete this payment now.</translation>
    </message>
    <message>
        <location filename="../kiosk/notices.py" line="90"/>
        <source>参考号:{reference}
凭条未能打印,请记下参考号,到人工窗口办理,不要重复缴费。</source>
        <translation>Reference: {reference}
The slip could not be printed: note the reference and go to the staffed window; do not pay again.</translation>
    </message>
    <message>
        <location filename="../kiosk/notices.py" line="93"/>
        <source>参考号:{reference}
请取走打印的凭条,到人工窗口办理,不要重复缴费。</source>
        <translation>Reference: {reference}
Take the printed slip to the staffed window; do not pay again.</translation>
    </message>
    <message>
        <location filename="../kiosk/notices.py" line="95"/>
        <source>参考号:{reference}
请持此凭条到人工窗口办理,不要重复缴费。</source>
        <translation>Reference: {reference}
Go to the staffed window with this slip; do not pay again.</translation>
    </message>
    <message>
        <location filename="../kiosk/notices.py" line="97"/>
        <source>返回首页</source>
        <translation>Back to start</translation>
    </message>
    <message>
        <location filename="../kiosk/notices.py" line="98"/>
        <source>重新支付</source>
        <translation>Pay again</translation>
    </message>
</context>
<context>
    <name>OrdersPage</name>
    <message>
        <location filename="../kiosk/orders.py" line="87"/>
        <source>请选择要缴费的项目</source>
        <translation>Choose what to pay</translation>
    </message>
    <message>
        <location filename="../kiosk/orders.py" line="88"/>
        <source>没有查到待缴费的项目。如有疑问,请到人工窗口咨询。</source>
        <translation>No unpaid orders were found. If in doubt, ask at the staffed window.</translation>
    </message>
    <message numerus="yes">
        <location filename="../kiosk/orders.py" line="91"/>
        <source>{dept} · {doctor}  共 %n 项  {amount} 元</source>
        <translation>
            <numerusform>{dept} · {doctor}  %n item  {amount} yuan</numerusform>
            <numerusform>{dept} · {doctor}  %n items  {amount} yuan</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../kiosk/orders.py" line="96"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../kiosk/orders.py" line="97"/>
        <source>下一步</source>
        <translation>Next</translation>
    </message>
    <message>
        <location filename="../kiosk/orders.py" line="98"/>
        <source>挂号</source>
        <translation>Register for a visit</translation>
    </message>
    <message>
        <location filename="../kiosk/orders.py" line="99"/>
        <source>当日缴费记录 / 补打凭条</source>
        <translation>Today&apos;s payments / reprint</translation>
    </message>
    <message>
        <location filename="../kiosk/orders.py" line="100"/>
        <source>我的处方</source>
        <translation>My prescriptions</translation>
    </message>
    <message>
        <location filename="../kiosk/orders.py" line="101"/>
        <source>惠民保投保/续保</source>
        <translation>City plan: buy / renew</translation>
    </message>
</context>
<context>
    <name>PaidTodayPage</name>
    <message>
        <location filename="../kiosk/paid_today.py" line="54"/>
        <source>当日缴费记录</source>
        <translation>Today&apos;s payments</translation>
    </message>
    <message>
        <location filename="../kiosk/paid_today.py" line="57"/>
        <source>正在查询,请稍候</source>
        <translation>Looking it up, please wait</translation>
    </message>
    <message>
        <location filename="../kiosk/paid_today.py" line="59"/>
        <source>今天没有查到您已结算的缴费。</source>
        <translation>No settled payment of yours was found today.</translation>
    </message>
    <message>
        <location filename="../kiosk/paid_today.py" line="61"/>
        <source>补打的凭条印有“重打 副本”,不作重复缴费依据。</source>
        <translation>A reprinted receipt is marked as a copy; it is not a second payment.</translation>
    </message>
    <message>
        <location filename="../kiosk/paid_today.py" line="63"/>
        <source>已补打凭条(副本),请从出纸口取走。</source>
        <translation>The copy has been printed; please take it from the slot.</translation>
    </message>
    <message>
        <location filename="../kiosk/paid_today.py" line="68"/>
        <source>{names} 等 {count} 项</source>
        <translation>{names} and more, {count} items</translation>
    </message>
    <message>
        <location filename="../kiosk/paid_today.py" line="70"/>
        <source>{time}  {names}
合计 {total} 元,个人支付 {own} 元</source>
        <translation>{time}  {names}
total {total} yuan, you paid {own} yuan</translation>
    </message>
    <message>
        <location filename="../kiosk/paid_today.py" line="72"/>
        <source>补打凭条</source>
        <translation>Print a copy</translation>
    </message>
    <message>
        <location filename="../kiosk/paid_today.py" line="74"/>
        <source>返回</source>
        <translation>Back</translation>
    </message>
    <message>
        <location filename="../kiosk/paid_today.py" line="75"/>
        <source>退出</source>
        <translation>Exit</translation>
    </message>
</context>
<context>
    <name>PayPage</name>
    <message>
        <location filename="../kiosk/pay.py" line="39"/>
        <source>请支付个人自付部分</source>
        <translation>Please pay your part</translation>
    </message>
    <message>
        <location filename="../kiosk/pay.py" line="40"/>
        <source>{amount} 元</source>
        <translation>{amount} yuan</translation>
    </message>
    <message>
        <location filename="../kiosk/pay.py" line="43"/>
        <source>请打开微信或支付宝的付款码,对准下方扫描口</source>
        <translation>Open the payment code in WeChat or Alipay and hold it to the scanner below</translation>
    </message>
    <message>
        <location filename="../kiosk/pay.py" line="45"/>
        <source>已读取付款码,正在扣款;如手机提示,请在手机上确认</source>
        <translation>Payment code read, charging now; confirm on your phone if it asks</translation>
    </message>
    <message>
        <location filename="../kiosk/pay.py" line="47"/>
        <source>正在办理信用就医,本次自付部分以后再付</source>
        <translation>Arranging credit care: you pay your part later</translation>
    </message>
    <message>
        <location filename="../kiosk/pay.py" line="49"/>
        <source>请用微信或支付宝扫描上方二维码</source>
        <translation>Scan the QR code above with WeChat or Alipay</translation>
    </message>
    <message>
        <location filename="../kiosk/pay.py" line="51"/>
        <source>正在生成支付二维码</source>
        <translation>Preparing the payment QR code</translation>
    </message>
    <message>
        <location filename="../kiosk/pay.py" line="52"/>
        <source>取消支付</source>
        <translation>Cancel payment</translation>
    </message>
</context>
<context>
    <name>PinKeypad</name>
    <message>
        <location filename="../widgets/keypad.py" line="59"/>
        <source>删除</source>
        <translation>Delete</translation>
    </message>
    <message>
        <location filename="../widgets/keypad.py" line="60"/>
        <source>确认</source>
        <translation>OK</translation>
    </message>
    <message>
        <location filename="../widgets/keypad.py" line="62"/>
        <location filename="../widgets/keypad.py" line="71"/>
        <source>数字 {digit}</source>
        <translation>Digit {digit}</translation>
    </message>
</context>
<context>
    <name>PinPage</name>
    <message>
        <location filename="../kiosk/pin.py" line="48"/>
        <source>请输入社保卡密码(6位)</source>
        <translation>Enter your card&apos;s PIN (6 digits)</translation>
    </message>
    <message numerus="yes">
        <location filename="../kiosk/pin.py" line="51"/>
        <source>还可以输入 %n 次</source>
        <translation>
            <numerusform>%n try left</numerusform>
            <numerusform>%n tries left</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../kiosk/pin.py" line="53"/>
        <source>密码错误。还可以再试 %n 次,次数用完后卡片将被锁定。</source>
        <translation>
            <numerusform>Wrong PIN. %n try left; after it the card locks itself.</numerusform>
            <numerusform>Wrong PIN. %n tries left; after the last one the card locks itself.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../kiosk/pin.py" line="55"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>PlanPage</name>
    <message>
        <location filename="../kiosk/plan.py" line="58"/>
        <source>全自费(丙类)药品和项目</source>
        <translation>fully self-paid (class C) drugs and items</translation>
    </message>
    <message>
        <location filename="../kiosk/plan.py" line="59"/>
        <source>超出医保限价的部分</source>
        <translation>amounts over the insurance price limit</translation>
    </message>
    <message>
        <location filename="../kiosk/plan.py" line="60"/>
        <source>乙类先行自付部分</source>
        <translation>the class B share paid first</translation>
    </message>
    <message>
        <location filename="../kiosk/plan.py" line="66"/>
        <source>商业补充保险(惠民保)</source>
        <translation>City supplementary health plan</translation>
    </message>
    <message>
        <location filename="../kiosk/plan.py" line="69"/>
        <source>正在办理投保,请稍候</source>
        <translation>Buying the plan, please wait</translation>
    </message>
    <message>
        <location filename="../kiosk/plan.py" line="71"/>
        <source>正在查询,请稍候</source>
        <translation>Looking it up, please wait</translation>
    </message>
    <message>
        <location filename="../kiosk/plan.py" line="73"/>
        <source>您目前没有可以购买或续保的商业保险。</source>
        <translation>There is no plan you can buy or renew now.</translation>
    </message>
    <message>
        <location filename="../kiosk/plan.py" line="84"/>
        <source>返回</source>
        <translation>Back</translation>
    </message>
    <message>
        <location filename="../kiosk/plan.py" line="85"/>
        <source>续保</source>
        <translation>Renew</translation>
    </message>
    <message>
        <location filename="../kiosk/plan.py" line="86"/>
        <source>购买</source>
        <translation>Buy</translation>
    </message>
    <message>
        <location filename="../kiosk/plan.py" line="91"/>
        <source>、</source>
        <translation>, </translation>
    </message>
    <message>
        <location filename="../kiosk/plan.py" line="92"/>
        <source>{name}({insurer})</source>
        <translation>{name} ({insurer})</translation>
    </message>
    <message>
        <location filename="../kiosk/plan.py" line="96"/>
        <source>保障期:{begin} 至 {end}
保障范围:医保结算后个人负担的{covers}
年度免赔额:{deductible} 元,超过部分赔付 {ratio}
年度最高赔付:{cap} 元</source>
        <translation>Cover: {begin} to {end}
Covers what you pay after basic insurance: {covers}
Deductible per year: {deductible} yuan; above it the plan pays {ratio}
Annual cap: {cap} yuan</translation>
    </message>
    <message>
        <location filename="../kiosk/plan.py" line="103"/>
        <source>保费 {premium} 元,从您的医保个人账户支付(当前余额 {balance} 元)。</source>
        <translation>Premium {premium} yuan, paid from your personal insurance account (balance now {balance} yuan).</translation>
    </message>
    <message>
        <location filename="../kiosk/plan.py" line="105"/>
        <source>我已了解保障内容,同意支付保费 {premium} 元</source>
        <translation>I have read the terms; I agree to pay {premium} yuan</translation>
    </message>
</context>
<context>
    <name>PlanResultPage</name>
    <message>
        <location filename="../kiosk/plan_result.py" line="37"/>
        <source>投保成功</source>
        <translation>Plan bought</translation>
    </message>
    <message>
        <location filename="../kiosk/plan_result.py" line="38"/>
        <location filename="../kiosk/plan_result.py" line="41"/>
        <source>未能投保</source>
        <translation>Plan not bought</translation>
    </message>
    <message>
        <location filename="../kiosk/plan_result.py" line="39"/>
        <source>投保结果待确认</source>
        <translation>Purchase not confirmed yet</translation>
    </message>
    <message>
        <location filename="../kiosk/plan_result.py" line="45"/>
        <source>已投保 {name}
保单号 {policy}
保障期 {begin} 至 {end}
保费 {premium} 元已从个人账户支付,余额 {balance} 元。</source>
        <translation>Bought: {name}
Policy {policy}
Cover {begin} to {end}
Premium {premium} yuan paid from your personal account; balance {balance} yuan.</translation>
    </message>
    <message>
        <location filename="../kiosk/plan_result.py" line="50"/>
        <source>医保平台未受理:{reason}。没有扣款。</source>
        <translation>The platform did not accept it: {reason}. Nothing was taken.</translation>
    </message>
    <message>
        <location filename="../kiosk/plan_result.py" line="53"/>
        <source>暂未收到投保结果,已记录。请稍后再次办理:不会重复扣款。</source>
        <translation>No answer yet; the purchase is recorded. Try again later: the premium is never taken twice.</translation>
    </message>
    <message>
        <location filename="../kiosk/plan_result.py" line="58"/>
        <source>退出</source>
        <translation>Exit</translation>
    </message>
    <message>
        <location filename="../kiosk/plan_result.py" line="59"/>
        <source>返回</source>
        <translation>Back</translation>
    </message>
</context>
<context>
    <name>PricesPage</name>
    <message>
        <location filename="../kiosk/prices.py" line="106"/>
        <source>药价查询:这种药在其他药店卖多少钱</source>
        <translation>Drug prices: what this drug costs at other pharmacies</translation>
    </message>
    <message>
        <location filename="../kiosk/prices.py" line="107"/>
        <source>药品名称、拼音首字母或条形码(也可扫码)</source>
        <translation>Drug name, pinyin initials or barcode (or scan it)</translation>
    </message>
    <message>
        <location filename="../kiosk/prices.py" line="108"/>
        <source>查询内容</source>
        <translation>Search text</translation>
    </message>
    <message>
        <location filename="../kiosk/prices.py" line="109"/>
        <source>查询</source>
        <translation>Search</translation>
    </message>
    <message>
        <location filename="../kiosk/prices.py" line="110"/>
        <source>重新输入</source>
        <translation>Type again</translation>
    </message>
    <message>
        <location filename="../kiosk/prices.py" line="115"/>
        <source>正在查询,请稍候</source>
        <translation>Looking it up, please wait</translation>
    </message>
    <message>
        <location filename="../kiosk/prices.py" line="117"/>
        <source>没有查到这种药的药店价格。</source>
        <translation>No pharmacy prices were found for this drug.</translation>
    </message>
    <message>
        <location filename="../kiosk/prices.py" line="119"/>
        <source>共 {count} 家药店有售,以下按价格从低到高,仅供参考。</source>
        <translation>Sold at {count} pharmacies; cheapest first, for reference.</translation>
    </message>
    <message>
        <location filename="../kiosk/prices.py" line="126"/>
        <source>药品</source>
        <translation>Drug</translation>
    </message>
    <message>
        <location filename="../kiosk/prices.py" line="126"/>
        <source>药店</source>
        <translation>Pharmacy</translation>
    </message>
    <message>
        <location filename="../kiosk/prices.py" line="126"/>
        <source>价格(元)</source>
        <translation>Price (yuan)</translation>
    </message>
    <message>
        <location filename="../kiosk/prices.py" line="126"/>
        <source>医保类别</source>
        <translation>Insurance class</translation>
    </message>
    <message>
        <location filename="../kiosk/prices.py" line="132"/>
        <source>返回首页</source>
        <translation>Back to start</translation>
    </message>
</context>
<context>
    <name>RegisterPage</name>
    <message>
        <location filename="../kiosk/register.py" line="87"/>
        <source>挂号:请选择科室和医生</source>
        <translation>Register: choose a department and a doctor</translation>
    </message>
    <message>
        <location filename="../kiosk/register.py" line="91"/>
        <source>正在为您挂号,请稍候</source>
        <translation>Taking your number, please wait</translation>
    </message>
    <message>
        <location filename="../kiosk/register.py" line="93"/>
        <source>正在查询今日号源</source>
        <translation>Looking up today&apos;s numbers</translation>
    </message>
    <message>
        <location filename="../kiosk/register.py" line="95"/>
        <source>挂号费由医保按规定报销,个人部分在下一步支付</source>
        <translation>Insurance pays its share of the fee; you pay your part in the next step</translation>
    </message>
    <message>
        <location filename="../kiosk/register.py" line="100"/>
        <source>{name}  {title}  挂号费 {fee} 元</source>
        <translation>{name}  {title}  fee {fee} yuan</translation>
    </message>
    <message>
        <location filename="../kiosk/register.py" line="102"/>
        <source>上午</source>
        <translation>Morning</translation>
    </message>
    <message>
        <location filename="../kiosk/register.py" line="102"/>
        <source>下午</source>
        <translation>Afternoon</translation>
    </message>
    <message>
        <location filename="../kiosk/register.py" line="106"/>
        <source>{period} {hours}
余 {left} 个号</source>
        <translation>{period} {hours}
{left} left</translation>
    </message>
    <message>
        <location filename="../kiosk/register.py" line="109"/>
        <source>{period} {hours}
已满</source>
        <translation>{period} {hours}
full</translation>
    </message>
    <message>
        <location filename="../kiosk/register.py" line="111"/>
        <source>返回</source>
        <translation>Back</translation>
    </message>
    <message>
        <location filename="../kiosk/register.py" line="112"/>
        <source>退出</source>
        <translation>Exit</translation>
    </message>
</context>
<context>
    <name>SearchKeyboard</name>
    <message>
        <location filename="../widgets/keyboard.py" line="41"/>
        <source>删除</source>
        <translation>Delete</translation>
    </message>
    <message>
        <location filename="../widgets/keyboard.py" line="42"/>
        <source>清空</source>
        <translation>Clear</translation>
    </message>
</context>
<context>
    <name>ServiceNotice</name>
    <message>
        <location filename="../kiosk/service_parts.py" line="18"/>
        <source>此项服务暂时无法使用,请稍后再试或到人工窗口咨询。</source>
        <translation>This service is not available right now. Please try again later or ask at the staffed window.</translation>
    </message>
    <message>
        <location filename="../kiosk/service_parts.py" line="21"/>
        <source>无法按此内容查询。请输入药品名称、拼音首字母(如 AMXL)或 8 位、13 位条形码。</source>
        <translation>This cannot be looked up. Type a drug&apos;s name, its pinyin initials (such as AMXL) or its 8- or 13-digit barcode.</translation>
    </message>
    <message>
        <location filename="../kiosk/service_parts.py" line="25"/>
        <source>该医生本时段的号已挂满,请选择其他时段或医生。</source>
        <translation>This doctor has no numbers left in this session. Please choose another session or doctor.</translation>
    </message>
    <message>
        <location filename="../kiosk/service_parts.py" line="26"/>
        <source>打印机缺纸,凭条未能补打。请到人工窗口补打。</source>
        <translation>The printer is out of paper; the copy was not printed. Please ask at the staffed window.</translation>
    </message>
    <message>
        <location filename="../kiosk/service_parts.py" line="27"/>
        <source>打印机故障,凭条未能补打。请到人工窗口补打。</source>
        <translation>The printer failed; the copy was not printed. Please ask at the staffed window.</translation>
    </message>
    <message>
        <location filename="../kiosk/service_parts.py" line="56"/>
        <source>甲类</source>
        <translation>Class A</translation>
    </message>
    <message>
        <location filename="../kiosk/service_parts.py" line="57"/>
        <source>乙类</source>
        <translation>Class B</translation>
    </message>
    <message>
        <location filename="../kiosk/service_parts.py" line="58"/>
        <source>丙类(自费)</source>
        <translation>Class C (self-paid)</translation>
    </message>
</context>
<context>
    <name>StaffPinPage</name>
    <message>
        <location filename="../kiosk/staff_pin.py" line="40"/>
        <source>请工作人员输入工号密码</source>
        <translation>Staff: enter your staff PIN</translation>
    </message>
    <message>
        <location filename="../kiosk/staff_pin.py" line="41"/>
        <source>工作人员核验本人后输入;本次协助将记入审计日志。</source>
        <translation>Enter it after checking the patient in person; this help is recorded in the audit log.</translation>
    </message>
    <message>
        <location filename="../kiosk/staff_pin.py" line="44"/>
        <source>密码错误,还可以再试 {tries} 次</source>
        <translation>Wrong PIN: {tries} more tries</translation>
    </message>
    <message>
        <location filename="../kiosk/staff_pin.py" line="45"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>StaffReasonPage</name>
    <message>
        <location filename="../kiosk/staff_reason.py" line="33"/>
        <source>无法按提示眨眼或转头</source>
        <translation>Cannot blink or turn the head when asked</translation>
    </message>
    <message>
        <location filename="../kiosk/staff_reason.py" line="34"/>
        <source>面部疾病(如面瘫)</source>
        <translation>Facial condition (such as palsy)</translation>
    </message>
    <message>
        <location filename="../kiosk/staff_reason.py" line="35"/>
        <source>年长,操作困难</source>
        <translation>Elderly, finds the check hard</translation>
    </message>
    <message>
        <location filename="../kiosk/staff_reason.py" line="36"/>
        <source>摄像头或光线问题</source>
        <translation>Camera or light problem</translation>
    </message>
    <message>
        <location filename="../kiosk/staff_reason.py" line="37"/>
        <source>其他原因(已核验本人)</source>
        <translation>Other (patient checked in person)</translation>
    </message>
    <message>
        <location filename="../kiosk/staff_reason.py" line="41"/>
        <source>请选择协助核验的原因</source>
        <translation>Choose why you are verifying the patient</translation>
    </message>
    <message>
        <location filename="../kiosk/staff_reason.py" line="44"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>StillTherePage</name>
    <message>
        <location filename="../kiosk/still_there.py" line="26"/>
        <source>您还在吗?</source>
        <translation>Are you still there?</translation>
    </message>
    <message>
        <location filename="../kiosk/still_there.py" line="27"/>
        <source>结束本次服务</source>
        <translation>End</translation>
    </message>
    <message>
        <location filename="../kiosk/still_there.py" line="28"/>
        <source>我还在,继续</source>
        <translation>I&apos;m here, continue</translation>
    </message>
</context>
<context>
    <name>TechnicianPage</name>
    <message>
        <location filename="../kiosk/technician.py" line="56"/>
        <source>维护人员:请输入维护密码</source>
        <translation>Technician: enter the maintenance PIN</translation>
    </message>
    <message>
        <location filename="../kiosk/technician.py" line="57"/>
        <source>密码不正确</source>
        <translation>Wrong PIN</translation>
    </message>
    <message>
        <location filename="../kiosk/technician.py" line="58"/>
        <source>返回</source>
        <translation>Back</translation>
    </message>
</context>
<context>
    <name>WaitPage</name>
    <message>
        <location filename="../kiosk/wait.py" line="44"/>
        <source>正在读取社保卡,请不要拔卡</source>
        <translation>Reading your card, please leave it in</translation>
    </message>
    <message>
        <location filename="../kiosk/wait.py" line="45"/>
        <source>正在查询您的参保信息和待缴费项目</source>
        <translation>Looking up your insurance and unpaid orders</translation>
    </message>
    <message>
        <location filename="../kiosk/wait.py" line="46"/>
        <source>正在计算医保报销金额</source>
        <translation>Working out what the insurance pays</translation>
    </message>
    <message>
        <location filename="../kiosk/wait.py" line="47"/>
        <source>正在结算,请稍候,请不要离开</source>
        <translation>Settling, please wait and do not leave</translation>
    </message>
    <message>
        <location filename="../kiosk/wait.py" line="52"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../kiosk/wait.py" line="48"/>
        <source>工作人员已核验,正在确认您的身份</source>
        <translation>Verified by staff: confirming who you are</translation>
    </message>
</context>
<context>
    <name>WelcomePage</name>
    <message>
        <location filename="../kiosk/welcome.py" line="36"/>
        <source>欢迎使用医保自助缴费</source>
        <translation>Welcome to insurance self-service payment</translation>
    </message>
    <message>
        <location filename="../kiosk/welcome.py" line="37"/>
        <source>请插入社保卡(芯片朝里)</source>
        <translation>Insert your social security card (chip first)</translation>
    </message>
    <message>
        <location filename="../kiosk/welcome.py" line="38"/>
        <source>或将医保电子凭证二维码对准扫描口</source>
        <translation>or hold your insurance e-voucher QR code to the scanner</translation>
    </message>
    <message>
        <location filename="../kiosk/welcome.py" line="39"/>
        <source>或将身份证放在感应区</source>
        <translation>or place your ID card on the reader</translation>
    </message>
    <message>
        <location filename="../kiosk/welcome.py" line="40"/>
        <source>刷脸识别</source>
        <translation>Pay by face</translation>
    </message>
    <message>
        <location filename="../kiosk/welcome.py" line="41"/>
        <source>药价查询</source>
        <translation>Drug prices</translation>
    </message>
    <message>
        <location filename="../kiosk/welcome.py" line="42"/>
        <source>English</source>
        <translation>中文</translation>
    </message>
    <message>
        <location filename="../kiosk/welcome.py" line="43"/>
        <source>标准模式</source>
        <translation>Standard mode</translation>
    </message>
    <message>
        <location filename="../kiosk/welcome.py" line="43"/>
        <source>长辈模式(大字)</source>
        <translation>Elder mode (large text)</translation>
    </message>
</context>
</TS>
