<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>AttendActivitiesScreen</name>
    <message>
        <source>%1 here now</source>
        <translation>现有 %1 人在场</translation>
    </message>
    <message>
        <source>%1 of %2 places taken</source>
        <translation>已签到 %1 / 限 %2 人</translation>
    </message>
    <message>
        <source>Choose your activity</source>
        <translation>请选择您参加的活动</translation>
    </message>
    <message>
        <source>Tap your activity first, then scan your code.</source>
        <translation>请先点您参加的活动，再扫码。</translation>
    </message>
    <message>
        <source>There is no activity at this station today.</source>
        <translation>今天本站没有志愿活动。</translation>
    </message>
    <message>
        <source>Volunteer sign-in</source>
        <translation>志愿者签到</translation>
    </message>
    <message>
        <source>ended</source>
        <translation>已结束</translation>
    </message>
    <message>
        <source>sign-in not open yet</source>
        <translation>还未开始签到</translation>
    </message>
</context>
<context>
    <name>AttendDoneScreen</name>
    <message>
        <source>%1, you are signed in</source>
        <translation>%1，已签到</translation>
    </message>
    <message>
        <source>%1, you are signed out</source>
        <translation>%1，已签退</translation>
    </message>
    <message>
        <source>%1–%2 · %3 h · %4 points · %5 h in all. Please take your slip.</source>
        <translation>%1–%2 · 本次 %3 小时 · %4 积分 · 累计 %5 小时。请取走凭条。</translation>
    </message>
    <message>
        <source>Next volunteer</source>
        <translation>下一位</translation>
    </message>
    <message>
        <source>Signed in at %1. Scan again when you leave to sign out.</source>
        <translation>%1 签到。离开时再扫一次码就是签退。</translation>
    </message>
    <message>
        <source>Volunteer sign-in</source>
        <translation>志愿者签到</translation>
    </message>
</context>
<context>
    <name>AttendScanScreen</name>
    <message>
        <source>Scan your volunteer code to sign in. When you leave, scan it again to sign out.</source>
        <translation>请出示志愿者码签到。离开时再扫一次就是签退。</translation>
    </message>
    <message>
        <source>Volunteer sign-in</source>
        <translation>志愿者签到</translation>
    </message>
</context>
<context>
    <name>BusyOverlay</name>
    <message>
        <source>Please wait…</source>
        <translation>请稍候…</translation>
    </message>
</context>
<context>
    <name>CorrectStockScreen</name>
    <message>
        <source>+ Add</source>
        <translation>+ 增加</translation>
    </message>
    <message>
        <source>Broken</source>
        <translation>破损</translation>
    </message>
    <message>
        <source>Correct stock</source>
        <translation>库存更正</translation>
    </message>
    <message>
        <source>Count differs</source>
        <translation>盘点差异</translation>
    </message>
    <message>
        <source>Expired</source>
        <translation>过期</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>− Take off</source>
        <translation>− 减少</translation>
    </message>
</context>
<context>
    <name>ErrorScreen</name>
    <message>
        <source>Back to start</source>
        <translation>回到首页</translation>
    </message>
    <message>
        <source>Show this code to the staff:</source>
        <translation>请把下面的编号告诉工作人员：</translation>
    </message>
    <message>
        <source>Something went wrong. Please ask the staff for help.</source>
        <translation>出了点问题，请联系工作人员。</translation>
    </message>
</context>
<context>
    <name>ExceptionsScreen</name>
    <message>
        <source>%1 · %2 over by %3 points</source>
        <translation>%1 · %2 超额 %3 积分</translation>
    </message>
    <message>
        <source>Exceptions</source>
        <translation>异常清单</translation>
    </message>
    <message>
        <source>Mark handled</source>
        <translation>标记已处理</translation>
    </message>
    <message>
        <source>No exceptions. Every offline redemption was covered.</source>
        <translation>没有异常，离线兑换都在余额之内。</translation>
    </message>
    <message>
        <source>Offline redemptions that the centre found over the volunteer's balance. Talk to the volunteer, then mark handled.</source>
        <translation>以下离线兑换经中心核对超出了志愿者余额。请与志愿者沟通后标记已处理。</translation>
    </message>
    <message>
        <source>✓ handled</source>
        <translation>✓ 已处理</translation>
    </message>
</context>
<context>
    <name>FlowTexts</name>
    <message>
        <source>Accepted</source>
        <translation>已接单</translation>
    </message>
    <message>
        <source>As soon as possible</source>
        <translation>尽快</translation>
    </message>
    <message>
        <source>Auntie</source>
        <translation>阿姨</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Dispatched</source>
        <translation>已派单</translation>
    </message>
    <message>
        <source>Grandma</source>
        <translation>奶奶</translation>
    </message>
    <message>
        <source>Grandpa</source>
        <translation>大爷</translation>
    </message>
    <message>
        <source>Hard of hearing</source>
        <translation>听力不好</translation>
    </message>
    <message>
        <source>In service</source>
        <translation>服务中</translation>
    </message>
    <message>
        <source>Limited mobility</source>
        <translation>行动不便</translation>
    </message>
    <message>
        <source>Lives alone</source>
        <translation>独居老人</translation>
    </message>
    <message>
        <source>Mr.</source>
        <translation>先生</translation>
    </message>
    <message>
        <source>Ms.</source>
        <translation>女士</translation>
    </message>
    <message>
        <source>Needs a home visit</source>
        <translation>需要上门</translation>
    </message>
    <message>
        <source>On time</source>
        <translation>准时</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>耐心</translation>
    </message>
    <message>
        <source>Please call back</source>
        <translation>需要回电</translation>
    </message>
    <message>
        <source>Poor eyesight</source>
        <translation>视力不好</translation>
    </message>
    <message>
        <source>Skilled</source>
        <translation>专业</translation>
    </message>
    <message>
        <source>Step %1 of %2</source>
        <translation>第 %1 步，共 %2 步</translation>
    </message>
    <message>
        <source>Submitted</source>
        <translation>已提交</translation>
    </message>
    <message>
        <source>Today afternoon</source>
        <translation>今天下午</translation>
    </message>
    <message>
        <source>Today morning</source>
        <translation>今天上午</translation>
    </message>
    <message>
        <source>Tomorrow afternoon</source>
        <translation>明天下午</translation>
    </message>
    <message>
        <source>Tomorrow morning</source>
        <translation>明天上午</translation>
    </message>
    <message>
        <source>Uncle</source>
        <translation>叔叔</translation>
    </message>
    <message>
        <source>Warm</source>
        <translation>热情</translation>
    </message>
</context>
<context>
    <name>HomeScreen</name>
    <message>
        <source>Redeem points</source>
        <translation>积分兑换</translation>
    </message>
    <message>
        <source>Repairs, health checks, legal advice and more</source>
        <translation>家电维修、测血压、法律咨询等</translation>
    </message>
    <message>
        <source>Request a service</source>
        <translation>我要点单</translation>
    </message>
    <message>
        <source>See how your request is going and rate it</source>
        <translation>查看办理进度，给服务打分</translation>
    </message>
    <message>
        <source>Sign in and out of today's activities</source>
        <translation>参加今天的活动请在这里签到、签退</translation>
    </message>
    <message>
        <source>Tap a big button below to begin.</source>
        <translation>请点下面的大按钮开始</translation>
    </message>
    <message>
        <source>Track &amp; rate</source>
        <translation>进度查询·评价</translation>
    </message>
    <message>
        <source>Volunteer sign-in</source>
        <translation>志愿者签到</translation>
    </message>
    <message>
        <source>Volunteers: exchange points for gifts</source>
        <translation>志愿者用积分换礼品</translation>
    </message>
    <message>
        <source>Welcome to %1</source>
        <translation>欢迎来到%1</translation>
    </message>
</context>
<context>
    <name>IdleOverlay</name>
    <message>
        <source>I'm still here</source>
        <translation>我还在</translation>
    </message>
    <message>
        <source>Still there?</source>
        <translation>还在吗？</translation>
    </message>
    <message>
        <source>Tap anywhere to continue. Otherwise we go back to the start and clear what you entered.</source>
        <translation>点一下屏幕继续。否则将回到首页，并清除您填写的内容。</translation>
    </message>
</context>
<context>
    <name>LowStockScreen</name>
    <message>
        <source>%1 — %2 left (reorder at %3)</source>
        <translation>%1 — 剩 %2（低于 %3 需补货）</translation>
    </message>
    <message>
        <source>Low stock</source>
        <translation>库存不足</translation>
    </message>
    <message>
        <source>No gift is low on stock.</source>
        <translation>没有库存不足的礼品。</translation>
    </message>
    <message>
        <source>Restock</source>
        <translation>补货</translation>
    </message>
    <message>
        <source>These gifts are at or below their reorder level.</source>
        <translation>以下礼品已到补货线。</translation>
    </message>
</context>
<context>
    <name>NumericKeypad</name>
    <message>
        <source>Clear</source>
        <translation>清空</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
</context>
<context>
    <name>OrderAddressScreen</name>
    <message>
        <source>Address: %1</source>
        <translation>地址：%1</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>下一步</translation>
    </message>
    <message>
        <source>Room</source>
        <translation>房号</translation>
    </message>
    <message>
        <source>Room %1</source>
        <translation>%1室</translation>
    </message>
    <message>
        <source>Tap your building.</source>
        <translation>请选择楼号。</translation>
    </message>
    <message>
        <source>Tap your housing estate.</source>
        <translation>请选择小区。</translation>
    </message>
    <message>
        <source>Tap your unit (entrance).</source>
        <translation>请选择单元。</translation>
    </message>
    <message>
        <source>Type your room number, e.g. 502.</source>
        <translation>请输入房号，例如 502。</translation>
    </message>
    <message>
        <source>Unit %1</source>
        <translation>%1单元</translation>
    </message>
    <message>
        <source>Where do you live?</source>
        <translation>您住在哪里？</translation>
    </message>
</context>
<context>
    <name>OrderCategoriesScreen</name>
    <message>
        <source>Request a service</source>
        <translation>我要点单</translation>
    </message>
    <message>
        <source>What do you need help with? Tap a picture.</source>
        <translation>您需要哪方面的帮助？请点下面的图标。</translation>
    </message>
</context>
<context>
    <name>OrderConfirmScreen</name>
    <message>
        <source>A volunteer comes to your home</source>
        <translation>志愿者上门服务</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>At the station</source>
        <translation>到站点服务</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>修改</translation>
    </message>
    <message>
        <source>Is everything right? Tap Submit to send your request.</source>
        <translation>信息都对吗？点“确认提交”发送您的需求。</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>称呼</translation>
    </message>
    <message>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>手机</translation>
    </message>
    <message>
        <source>Please check</source>
        <translation>请核对</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>服务</translation>
    </message>
    <message>
        <source>Submit</source>
        <translation>确认提交</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>服务方式</translation>
    </message>
</context>
<context>
    <name>OrderDoneScreen</name>
    <message numerus="yes">
        <source>Back to the start in %n second(s).</source>
        <translation><numerusform>%n 秒后回到首页。</numerusform></translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Printing your receipt…</source>
        <translation>正在打印小票……</translation>
    </message>
    <message>
        <source>Receipt printed. Please take it.</source>
        <translation>小票已打印，请取走。</translation>
    </message>
    <message>
        <source>Thank you. Please keep your ticket number.</source>
        <translation>谢谢您！请记好您的单号。</translation>
    </message>
    <message>
        <source>The receipt is queued. Please ask the staff to print it.</source>
        <translation>小票暂未打印，已排队。请联系工作人员补打。</translation>
    </message>
    <message>
        <source>The same code is on your receipt: scan it here later to see the progress.</source>
        <translation>小票上也有这个二维码，以后在这里扫一扫就能查看进度。</translation>
    </message>
    <message>
        <source>We will call %1 soon to arrange the service.</source>
        <translation>我们会尽快拨打 %1 和您约定服务。</translation>
    </message>
    <message>
        <source>Your request has been sent</source>
        <translation>您的需求已提交</translation>
    </message>
</context>
<context>
    <name>OrderNameScreen</name>
    <message>
        <source>Choose a title above (the surname is optional).</source>
        <translation>请在上面选择称呼（姓氏可以不选）。</translation>
    </message>
    <message>
        <source>How should we address you?</source>
        <translation>怎么称呼您？</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>下一步</translation>
    </message>
    <message>
        <source>Tap your surname, then a title.</source>
        <translation>请先点您的姓，再点称呼。</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>称呼</translation>
    </message>
    <message>
        <source>We will call you: %1</source>
        <translation>我们这样称呼您：%1</translation>
    </message>
</context>
<context>
    <name>OrderPhoneScreen</name>
    <message numerus="yes">
        <source>%n more digit(s)</source>
        <translation><numerusform>还差 %n 位</numerusform></translation>
    </message>
    <message>
        <source>11 digits</source>
        <translation>11位手机号</translation>
    </message>
    <message>
        <source>A mobile number starts with 1.</source>
        <translation>手机号码以1开头。</translation>
    </message>
    <message>
        <source>Complete. Tap Next.</source>
        <translation>已输完整，请点“下一步”。</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>下一步</translation>
    </message>
    <message>
        <source>The second digit of a mobile number is 3 to 9.</source>
        <translation>手机号码第二位是3到9。</translation>
    </message>
    <message>
        <source>We call this number about your request. Type it on the keys.</source>
        <translation>我们会打这个号码联系您，请用数字键输入。</translation>
    </message>
    <message>
        <source>Your mobile number</source>
        <translation>您的手机号码</translation>
    </message>
</context>
<context>
    <name>OrderServicesScreen</name>
    <message>
        <source>A volunteer comes to your home</source>
        <translation>志愿者上门服务</translation>
    </message>
    <message>
        <source>At the station</source>
        <translation>到站点服务</translation>
    </message>
    <message>
        <source>Choose a service</source>
        <translation>请选择服务</translation>
    </message>
    <message>
        <source>Choose this</source>
        <translation>选这项</translation>
    </message>
    <message>
        <source>No service can be booked here right now. Please ask the staff.</source>
        <translation>这里暂时没有可预约的服务，请联系工作人员。</translation>
    </message>
    <message>
        <source>Which service would you like?</source>
        <translation>您需要哪项服务？</translation>
    </message>
</context>
<context>
    <name>OrderSlotScreen</name>
    <message>
        <source>Anything we should know? (optional, tap any)</source>
        <translation>需要我们注意什么吗？（可不选，可多选）</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>下一步</translation>
    </message>
    <message>
        <source>Tap a time. We will call you to confirm.</source>
        <translation>请选择时间，我们会打电话和您确认。</translation>
    </message>
    <message>
        <source>When would suit you?</source>
        <translation>什么时间方便？</translation>
    </message>
</context>
<context>
    <name>PrinterTestScreen</name>
    <message>
        <source>%1 probably printed — check the printer</source>
        <translation>%1 张可能已打出，请查看打印机</translation>
    </message>
    <message>
        <source>%1 waiting, %2 not printed</source>
        <translation>%1 张等待打印，%2 张未打出</translation>
    </message>
    <message>
        <source>Connection: %1</source>
        <translation>连接：%1</translation>
    </message>
    <message>
        <source>Print a test page</source>
        <translation>打印测试页</translation>
    </message>
    <message>
        <source>Printer test</source>
        <translation>打印机测试</translation>
    </message>
    <message>
        <source>Printer: %1</source>
        <translation>打印机：%1</translation>
    </message>
    <message>
        <source>Test page sent to the print queue. Check the printer.</source>
        <translation>测试页已加入打印队列，请查看打印机。</translation>
    </message>
    <message>
        <source>The print queue is not running.</source>
        <translation>打印队列没有运行。</translation>
    </message>
    <message>
        <source>cover open</source>
        <translation>机盖没关好</translation>
    </message>
    <message>
        <source>not reported</source>
        <translation>状态未知</translation>
    </message>
    <message>
        <source>off or unplugged</source>
        <translation>未开机或未连接</translation>
    </message>
    <message>
        <source>out of paper</source>
        <translation>缺纸</translation>
    </message>
    <message>
        <source>paper nearly used up</source>
        <translation>纸快用完了</translation>
    </message>
    <message>
        <source>preview files (demo)</source>
        <translation>预览文件（演示）</translation>
    </message>
    <message>
        <source>ready</source>
        <translation>正常</translation>
    </message>
</context>
<context>
    <name>RedeemCardScreen</name>
    <message>
        <source>Card number</source>
        <translation>卡号</translation>
    </message>
    <message>
        <source>Card number and PIN</source>
        <translation>卡号和密码</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>确定</translation>
    </message>
    <message>
        <source>PIN</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Type the number on your volunteer card, then your PIN.</source>
        <translation>请输入志愿者卡上的卡号，再输入密码。</translation>
    </message>
</context>
<context>
    <name>RedeemCartScreen</name>
    <message numerus="yes">
        <source>%n point(s)</source>
        <translation><numerusform>%n 积分</numerusform></translation>
    </message>
    <message>
        <source>Check the gifts and points, then tap Redeem.</source>
        <translation>请核对礼品和积分，然后点“确认兑换”。</translation>
    </message>
    <message>
        <source>Choose more</source>
        <translation>再选一些</translation>
    </message>
    <message>
        <source>Points left after</source>
        <translation>兑换后剩余</translation>
    </message>
    <message>
        <source>Redeem</source>
        <translation>确认兑换</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <source>Your gifts</source>
        <translation>已选礼品</translation>
    </message>
    <message>
        <source>Your points now</source>
        <translation>现有积分</translation>
    </message>
</context>
<context>
    <name>RedeemDoneScreen</name>
    <message>
        <source>%1 points used, %2 points left.</source>
        <translation>本次使用 %1 积分，剩余 %2 积分。</translation>
    </message>
    <message numerus="yes">
        <source>Back to the start in %n second(s).</source>
        <translation><numerusform>%n 秒后回到首页。</numerusform></translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Pickup code</source>
        <translation>取货码</translation>
    </message>
    <message>
        <source>Printing your receipt…</source>
        <translation>正在打印小票……</translation>
    </message>
    <message>
        <source>Receipt printed. Please take it.</source>
        <translation>小票已打印，请取走。</translation>
    </message>
    <message>
        <source>Recorded offline; it is sent to the centre when the network is back.</source>
        <translation>已离线记录，网络恢复后自动上报中心。</translation>
    </message>
    <message>
        <source>Redeemed. Thank you for volunteering!</source>
        <translation>兑换成功，感谢您的志愿服务！</translation>
    </message>
    <message>
        <source>Show this pickup code to the staff to get your gifts.</source>
        <translation>请向工作人员出示取货码领取礼品。</translation>
    </message>
    <message>
        <source>The receipt is queued. Please ask the staff to print it.</source>
        <translation>小票暂未打印，已排队。请联系工作人员补打。</translation>
    </message>
</context>
<context>
    <name>RedeemGiftsScreen</name>
    <message>
        <source>%1 hours of service</source>
        <translation>服务时长 %1 小时</translation>
    </message>
    <message numerus="yes">
        <source>%n point(s)</source>
        <translation><numerusform>%n 积分</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n-star volunteer</source>
        <translation><numerusform>%n 星志愿者</numerusform></translation>
    </message>
    <message>
        <source>Add</source>
        <translation>选这个</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Check and redeem</source>
        <translation>去结算</translation>
    </message>
    <message>
        <source>Choose your gifts</source>
        <translation>请选择礼品</translation>
    </message>
    <message>
        <source>Chosen: %1</source>
        <translation>已选 %1 件</translation>
    </message>
    <message>
        <source>Chosen: %1 item(s), %2 points</source>
        <translation>已选 %1 件，共 %2 积分</translation>
    </message>
    <message>
        <source>In stock: %1</source>
        <translation>库存 %1</translation>
    </message>
    <message>
        <source>Limit %1 per person a day</source>
        <translation>每人每天限兑 %1 件</translation>
    </message>
    <message>
        <source>Loading the gifts…</source>
        <translation>正在载入礼品…</translation>
    </message>
    <message>
        <source>Nothing chosen yet.</source>
        <translation>还没有选礼品。</translation>
    </message>
    <message>
        <source>Points: %1</source>
        <translation>积分：%1</translation>
    </message>
    <message>
        <source>Tap Add under a gift. Grey gifts cannot be chosen now; the reason is written on them.</source>
        <translation>点礼品下面的“选这个”。灰色的礼品暂时不能选，原因写在上面。</translation>
    </message>
    <message>
        <source>The centre cannot be reached: up to %1 points can be redeemed now.</source>
        <translation>暂时连不上中心：现在最多可兑换 %1 积分。</translation>
    </message>
</context>
<context>
    <name>RedeemScanScreen</name>
    <message>
        <source>Open the volunteer app, tap "My code" and hold the phone under the red light.</source>
        <translation>打开志愿者App，点“我的码”，把手机对准红光处。</translation>
    </message>
    <message>
        <source>Please show your volunteer code to the scanner</source>
        <translation>请出示志愿者码</translation>
    </message>
    <message>
        <source>Redeem points</source>
        <translation>积分兑换</translation>
    </message>
    <message>
        <source>Use card number and PIN</source>
        <translation>用卡号和密码</translation>
    </message>
</context>
<context>
    <name>ReprintScreen</name>
    <message>
        <source>Day report</source>
        <translation>日报</translation>
    </message>
    <message>
        <source>Gift receipt</source>
        <translation>兑换小票</translation>
    </message>
    <message>
        <source>Newest first. Tap Reprint next to the receipt.</source>
        <translation>最新的在上面。点小票旁边的“补打”。</translation>
    </message>
    <message>
        <source>No receipts yet.</source>
        <translation>还没有小票。</translation>
    </message>
    <message>
        <source>Reprint</source>
        <translation>补打</translation>
    </message>
    <message>
        <source>Reprint a receipt</source>
        <translation>补打小票</translation>
    </message>
    <message>
        <source>Restock slip</source>
        <translation>补货单</translation>
    </message>
    <message>
        <source>Service ticket</source>
        <translation>服务小票</translation>
    </message>
    <message>
        <source>Sign-out slip</source>
        <translation>签退凭条</translation>
    </message>
    <message>
        <source>Test page</source>
        <translation>测试页</translation>
    </message>
    <message>
        <source>The copy is in the print queue.</source>
        <translation>已加入打印队列。</translation>
    </message>
    <message>
        <source>copy</source>
        <translation>补打件</translation>
    </message>
    <message>
        <source>interrupted — reprint</source>
        <translation>打印中断，请补打</translation>
    </message>
    <message>
        <source>not printed</source>
        <translation>未打出</translation>
    </message>
    <message>
        <source>printed</source>
        <translation>已打印</translation>
    </message>
    <message>
        <source>printing</source>
        <translation>打印中</translation>
    </message>
    <message>
        <source>probably printed — check the printer</source>
        <translation>可能已打出，请查看打印机</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>等待打印</translation>
    </message>
</context>
<context>
    <name>RestockScreen</name>
    <message>
        <source>Donation</source>
        <translation>捐赠</translation>
    </message>
    <message>
        <source>New delivery</source>
        <translation>新到货</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>Restock</source>
        <translation>补货</translation>
    </message>
    <message>
        <source>Transfer in</source>
        <translation>调入</translation>
    </message>
</context>
<context>
    <name>ScreenHeader</name>
    <message>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <source>Home</source>
        <translation>首页</translation>
    </message>
</context>
<context>
    <name>SettingsScreen</name>
    <message>
        <source>Card number + PIN for volunteers</source>
        <translation>志愿者卡号+密码登录</translation>
    </message>
    <message>
        <source>Large text at start</source>
        <translation>默认大字</translation>
    </message>
    <message>
        <source>Leave kiosk mode</source>
        <translation>退出自助模式</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>关</translation>
    </message>
    <message>
        <source>Offline limit (points)</source>
        <translation>离线兑换上限（积分）</translation>
    </message>
    <message>
        <source>On</source>
        <translation>开</translation>
    </message>
    <message>
        <source>Provisioned (change with `kiosk init`)</source>
        <translation>部署参数（用 kiosk init 修改）</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Saved. Language and text size apply to the next visitor.</source>
        <translation>已保存。语言和字号从下一位访客起生效。</translation>
    </message>
    <message>
        <source>Scan gifts on the menu.</source>
        <translation>礼品条码请在菜单页扫描。</translation>
    </message>
    <message>
        <source>Seconds before "Still there?"</source>
        <translation>无操作多少秒后提示“还在吗？”</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Start language</source>
        <translation>默认语言</translation>
    </message>
</context>
<context>
    <name>StaffAttendanceScreen</name>
    <message>
        <source>%1 · %2 · %3–%4 · %5 h</source>
        <translation>%1 · %2 · %3–%4 · %5 小时</translation>
    </message>
    <message>
        <source>%1 · %2 · here since %3</source>
        <translation>%1 · %2 · %3 起在场</translation>
    </message>
    <message>
        <source>Attendance</source>
        <translation>签到记录</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Correct</source>
        <translation>更正</translation>
    </message>
    <message>
        <source>Correction saved and sent to the centre.</source>
        <translation>更正已保存，并已发送给区中心。</translation>
    </message>
    <message>
        <source>Forgot to sign out</source>
        <translation>忘记签退</translation>
    </message>
    <message>
        <source>Hours: %1</source>
        <translation>时长：%1 小时</translation>
    </message>
    <message>
        <source>Left early</source>
        <translation>提前离开</translation>
    </message>
    <message>
        <source>Nobody has signed in today.</source>
        <translation>今天还没有人签到。</translation>
    </message>
    <message>
        <source>Save with this reason</source>
        <translation>按此原因保存</translation>
    </message>
    <message>
        <source>Scanner did not work</source>
        <translation>扫码故障</translation>
    </message>
    <message>
        <source>Stayed to help after the end</source>
        <translation>活动结束后继续帮忙</translation>
    </message>
    <message>
        <source>Today's sign-ins, who is here first. A correction needs a reason; it is recorded and the centre books the difference.</source>
        <translation>今天的签到，在场的排在前面。更正须选原因，会记录在案，区中心按差额入账。</translation>
    </message>
    <message>
        <source>signed out automatically</source>
        <translation>自动签退</translation>
    </message>
</context>
<context>
    <name>StaffMenuScreen</name>
    <message>
        <source>Attendance</source>
        <translation>签到记录</translation>
    </message>
    <message>
        <source>Broken, expired, miscounted</source>
        <translation>破损、过期、盘点差异</translation>
    </message>
    <message>
        <source>Correct stock</source>
        <translation>库存更正</translation>
    </message>
    <message>
        <source>Exceptions</source>
        <translation>异常清单</translation>
    </message>
    <message>
        <source>Gifts running out</source>
        <translation>快用完的礼品</translation>
    </message>
    <message>
        <source>Low stock</source>
        <translation>库存不足</translation>
    </message>
    <message>
        <source>Noted, hide this</source>
        <translation>知道了，不再显示</translation>
    </message>
    <message>
        <source>Offline overdrafts</source>
        <translation>离线兑换超额</translation>
    </message>
    <message>
        <source>Print again</source>
        <translation>重新打印小票</translation>
    </message>
    <message>
        <source>Printer test</source>
        <translation>打印机测试</translation>
    </message>
    <message>
        <source>Reprint</source>
        <translation>补打小票</translation>
    </message>
    <message>
        <source>Restock</source>
        <translation>补货</translation>
    </message>
    <message>
        <source>Scan or tap a gift</source>
        <translation>扫码或点选礼品</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Staff menu</source>
        <translation>工作人员菜单</translation>
    </message>
    <message>
        <source>Sync</source>
        <translation>数据同步</translation>
    </message>
    <message>
        <source>Technicians only</source>
        <translation>仅限技术员</translation>
    </message>
    <message>
        <source>Test page</source>
        <translation>打印测试页</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>今日数据</translation>
    </message>
    <message>
        <source>Today's figures</source>
        <translation>点单、兑换、热门礼品</translation>
    </message>
    <message>
        <source>Unsent records</source>
        <translation>未上传的记录</translation>
    </message>
    <message>
        <source>Who is here, hours</source>
        <translation>谁在场、服务时长</translation>
    </message>
</context>
<context>
    <name>StaffPinScreen</name>
    <message>
        <source>%1, type your PIN on the keys.</source>
        <translation>%1，请在键盘上输入密码。</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Not me</source>
        <translation>不是我</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>Staff sign-in</source>
        <translation>工作人员登录</translation>
    </message>
    <message>
        <source>Tap your name.</source>
        <translation>请点您的名字。</translation>
    </message>
</context>
<context>
    <name>StaffScreen</name>
    <message>
        <source>Menu</source>
        <translation>菜单</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>退出登录</translation>
    </message>
</context>
<context>
    <name>StartupNotices</name>
    <message>
        <source>The kiosk stopped abnormally last time ({what}). The details are in {folder}; please pass them to the technician.</source>
        <translation>本机上次异常退出（{what}）。详细记录在 {folder}，请转交技术员。</translation>
    </message>
</context>
<context>
    <name>StatusStrip</name>
    <message>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <source>Large text</source>
        <translation>大字</translation>
    </message>
    <message>
        <source>No printer</source>
        <translation>无打印机</translation>
    </message>
    <message>
        <source>Offline mode</source>
        <translation>离线模式</translation>
    </message>
    <message>
        <source>Offline · %1 to sync</source>
        <translation>离线 · %1 条待同步</translation>
    </message>
    <message>
        <source>Online · %1 to sync</source>
        <translation>已联网 · %1 条待同步</translation>
    </message>
    <message>
        <source>Online · all synced</source>
        <translation>已联网 · 已同步</translation>
    </message>
    <message>
        <source>Printer</source>
        <translation>打印机</translation>
    </message>
    <message>
        <source>Printer off</source>
        <translation>打印机未连接</translation>
    </message>
    <message>
        <source>Printer ready</source>
        <translation>打印机正常</translation>
    </message>
    <message>
        <source>Printer · %1 waiting</source>
        <translation>打印机 · %1 张待打印</translation>
    </message>
    <message>
        <source>Printer: cover open</source>
        <translation>打印机开盖</translation>
    </message>
    <message>
        <source>Printer: no paper</source>
        <translation>打印机缺纸</translation>
    </message>
    <message>
        <source>Printer: paper low</source>
        <translation>打印纸将尽</translation>
    </message>
</context>
<context>
    <name>StockEditScreen</name>
    <message>
        <source>%1 left</source>
        <translation>库存 %1</translation>
    </message>
    <message>
        <source>%1 · now %2</source>
        <translation>%1 · 现有 %2</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Saved: %1 %2, now %3</source>
        <translation>已保存：%1 %2，现有 %3</translation>
    </message>
    <message>
        <source>Scan the gift's barcode, or tap the gift.</source>
        <translation>请扫描礼品条码，或点选礼品。</translation>
    </message>
</context>
<context>
    <name>SyncScreen</name>
    <message>
        <source>%1 events waiting to be sent, %2 rejected.</source>
        <translation>%1 条记录等待上传，%2 条被拒绝。</translation>
    </message>
    <message>
        <source>%1 tries</source>
        <translation>已尝试 %1 次</translation>
    </message>
    <message>
        <source>Cannot reach the centre.</source>
        <translation>连不上中心。</translation>
    </message>
    <message>
        <source>Connected to the centre.</source>
        <translation>已连接中心。</translation>
    </message>
    <message>
        <source>Connecting to the centre…</source>
        <translation>正在连接中心…</translation>
    </message>
    <message>
        <source>Everything is synced.</source>
        <translation>全部已同步。</translation>
    </message>
    <message>
        <source>Last sync: %1.</source>
        <translation>上次同步：%1。</translation>
    </message>
    <message>
        <source>No server is configured: this kiosk works offline only.</source>
        <translation>没有配置服务器：本机只能离线使用。</translation>
    </message>
    <message>
        <source>Offline only (no server configured).</source>
        <translation>仅离线（未配置服务器）。</translation>
    </message>
    <message>
        <source>Rating</source>
        <translation>评价</translation>
    </message>
    <message>
        <source>Redemption</source>
        <translation>积分兑换</translation>
    </message>
    <message>
        <source>Redemption voided</source>
        <translation>兑换作废</translation>
    </message>
    <message>
        <source>Service request</source>
        <translation>点单</translation>
    </message>
    <message>
        <source>Stock change</source>
        <translation>库存变动</translation>
    </message>
    <message>
        <source>Sync</source>
        <translation>数据同步</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <source>Sync started. The list updates when it finishes.</source>
        <translation>已开始同步，完成后列表会更新。</translation>
    </message>
    <message>
        <source>centre says: %1</source>
        <translation>中心答复：%1</translation>
    </message>
</context>
<context>
    <name>TodayScreen</name>
    <message>
        <source>Accepted</source>
        <translation>已接单</translation>
    </message>
    <message>
        <source>Assigned</source>
        <translation>已派单</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>In service</source>
        <translation>服务中</translation>
    </message>
    <message>
        <source>Requests by status: %1</source>
        <translation>点单状态：%1</translation>
    </message>
    <message>
        <source>Submitted</source>
        <translation>已提交</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>今日数据</translation>
    </message>
    <message>
        <source>Top gifts: %1</source>
        <translation>热门礼品：%1</translation>
    </message>
    <message>
        <source>items restocked</source>
        <translation>补货件数</translation>
    </message>
    <message>
        <source>none yet</source>
        <translation>暂无</translation>
    </message>
    <message>
        <source>points redeemed</source>
        <translation>兑换积分</translation>
    </message>
    <message>
        <source>redemptions</source>
        <translation>兑换笔数</translation>
    </message>
    <message>
        <source>residents served</source>
        <translation>服务群众（人）</translation>
    </message>
    <message>
        <source>service requests</source>
        <translation>点单数</translation>
    </message>
    <message>
        <source>volunteers redeemed</source>
        <translation>兑换志愿者（人）</translation>
    </message>
</context>
<context>
    <name>TrackLookupScreen</name>
    <message>
        <source>Find my order</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>Last 4 digits of your phone</source>
        <translation>手机号后四位</translation>
    </message>
    <message>
        <source>Scan the QR code on your receipt, or type the ticket number and the last 4 digits of your phone.</source>
        <translation>请扫小票上的二维码，或输入单号和手机号后四位。</translation>
    </message>
    <message>
        <source>Ticket number (the digits after %1)</source>
        <translation>单号（%1 后面的数字）</translation>
    </message>
    <message>
        <source>Track or rate an order</source>
        <translation>进度查询·评价</translation>
    </message>
</context>
<context>
    <name>TrackRateScreen</name>
    <message>
        <source>How was the service for ticket %1?</source>
        <translation>单号 %1 的服务，您满意吗？</translation>
    </message>
    <message>
        <source>Rate the service</source>
        <translation>服务评价</translation>
    </message>
    <message>
        <source>Send my rating</source>
        <translation>提交评价</translation>
    </message>
    <message>
        <source>Tap the stars: 5 stars is the best.</source>
        <translation>请点星星：5颗星是最满意。</translation>
    </message>
    <message>
        <source>What was good? (optional, tap any)</source>
        <translation>哪些方面好？（可不选，可多选）</translation>
    </message>
</context>
<context>
    <name>TrackStatusScreen</name>
    <message>
        <source> (not yet)</source>
        <translation>（未到）</translation>
    </message>
    <message>
        <source>Back to start</source>
        <translation>回到首页</translation>
    </message>
    <message>
        <source>Here is where your request is now.</source>
        <translation>这是您的服务单现在的进度。</translation>
    </message>
    <message>
        <source>Order progress</source>
        <translation>服务进度</translation>
    </message>
    <message>
        <source>Rate this service</source>
        <translation>评价这次服务</translation>
    </message>
    <message>
        <source>Ticket %1 · %2</source>
        <translation>单号 %1 · %2</translation>
    </message>
    <message numerus="yes">
        <source>You rated this service %n star(s). Thank you.</source>
        <translation><numerusform>您已评价 %n 颗星，谢谢！</numerusform></translation>
    </message>
</context>
<context>
    <name>TrackThanksScreen</name>
    <message>
        <source>Back to start</source>
        <translation>回到首页</translation>
    </message>
    <message>
        <source>Thank you</source>
        <translation>谢谢您</translation>
    </message>
    <message>
        <source>Thank you for your rating. It helps our volunteers.</source>
        <translation>感谢您的评价，这对志愿者很有帮助。</translation>
    </message>
</context>
</TS>
