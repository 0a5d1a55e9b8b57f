<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AdminPage</name>
    <message>
        <source>Today (Alt+1)</source>
        <translation>今日概况 (Alt+1)</translation>
    </message>
    <message>
        <source>Staff (Alt+2)</source>
        <translation>工作人员 (Alt+2)</translation>
    </message>
    <message>
        <source>Rules (Alt+3)</source>
        <translation>接种规则 (Alt+3)</translation>
    </message>
    <message>
        <source>Conflicts (Alt+4)</source>
        <translation>冲突记录 (Alt+4)</translation>
    </message>
    <message>
        <source>Sync (Alt+5)</source>
        <translation>同步 (Alt+5)</translation>
    </message>
    <message>
        <source>Stock (Alt+6)</source>
        <translation>库存 (Alt+6)</translation>
    </message>
    <message>
        <source>Import bookings (Alt+7)</source>
        <translation>导入预约 (Alt+7)</translation>
    </message>
    <message>
        <source>Reports (Alt+8)</source>
        <translation>报表 (Alt+8)</translation>
    </message>
    <message>
        <source>Settings (Alt+0)</source>
        <translation>设置 (Alt+0)</translation>
    </message>
    <message>
        <source>Site admin</source>
        <translation>现场管理</translation>
    </message>
    <message>
        <source>Sign-in</source>
        <translation>签到</translation>
    </message>
    <message>
        <source>Pre-screen</source>
        <translation>预检</translation>
    </message>
    <message>
        <source>Vaccinator</source>
        <translation>接种员</translation>
    </message>
    <message>
        <source>Observation</source>
        <translation>留观</translation>
    </message>
    <message>
        <source>Booking</source>
        <translation>预约</translation>
    </message>
    <message>
        <source>Cancellation</source>
        <translation>取消预约</translation>
    </message>
    <message>
        <source>Injection</source>
        <translation>接种</translation>
    </message>
    <message>
        <source>Adverse reaction</source>
        <translation>异常反应</translation>
    </message>
    <message>
        <source>Release</source>
        <translation>离开</translation>
    </message>
    <message>
        <source>Staff added</source>
        <translation>添加工作人员</translation>
    </message>
    <message>
        <source>Call to injection desk</source>
        <translation>接种台叫号</translation>
    </message>
    <message>
        <source>Absent when called</source>
        <translation>叫号未到</translation>
    </message>
    <message>
        <source>(no reason given)</source>
        <translation>（未填原因）</translation>
    </message>
    <message>
        <source>Booked</source>
        <translation>已预约</translation>
    </message>
    <message>
        <source>Signed in</source>
        <translation>已签到</translation>
    </message>
    <message>
        <source>Pre-screened</source>
        <translation>已预检</translation>
    </message>
    <message>
        <source>Turned away</source>
        <translation>已劝返</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消预约</translation>
    </message>
    <message>
        <source>Vaccinated</source>
        <translation>已接种</translation>
    </message>
    <message>
        <source>Released</source>
        <translation>已离开</translation>
    </message>
    <message>
        <source>Observing now</source>
        <translation>留观中</translation>
    </message>
    <message>
        <source>Handed over to hospital</source>
        <translation>转送医院</translation>
    </message>
    <message>
        <source>Waiting: pre-screen</source>
        <translation>等候预检</translation>
    </message>
    <message>
        <source>Waiting: injection</source>
        <translation>等候接种</translation>
    </message>
    <message>
        <source>Waiting: seat</source>
        <translation>等候留观座位</translation>
    </message>
    <message>
        <source>Conflicts</source>
        <translation>冲突记录</translation>
    </message>
    <message>
        <source>Bookings left</source>
        <translation>剩余预约</translation>
    </message>
    <message>
        <source>Doses left</source>
        <translation>剩余疫苗（剂）</translation>
    </message>
    <message>
        <source>Audit trail: who did what…</source>
        <translation>审计记录：谁做了什么…</translation>
    </message>
    <message>
        <source>Turned away because</source>
        <translation>劝返原因</translation>
    </message>
    <message>
        <source>People</source>
        <translation>人数</translation>
    </message>
    <message>
        <source>Turned away: reasons</source>
        <translation>劝返原因统计</translation>
    </message>
    <message>
        <source>Daily checklist</source>
        <translation>每日检查</translation>
    </message>
    <message>
        <source>{item} — {name}, {time}</source>
        <translation>{item} — {name}，{time}</translation>
    </message>
    <message>
        <source>All done</source>
        <translation>全部完成</translation>
    </message>
    <message>
        <source>{n} not done</source>
        <translation>{n} 项未完成</translation>
    </message>
    <message>
        <source>Today, {day}</source>
        <translation>今日概况（{day}）</translation>
    </message>
    <message>
        <source>Staff id</source>
        <translation>工号</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Roles</source>
        <translation>岗位</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Disable / enable selected (F3)</source>
        <translation>停用 / 启用所选 (F3)</translation>
    </message>
    <message>
        <source>Add staff</source>
        <translation>添加工作人员</translation>
    </message>
    <message>
        <source>letters and digits, e.g. lg03</source>
        <translation>字母和数字，如 lg03</translation>
    </message>
    <message>
        <source>Add staff (F2)</source>
        <translation>添加 (F2)</translation>
    </message>
    <message>
        <source>PIN (4-12 digits)</source>
        <translation>密码（4-12 位数字）</translation>
    </message>
    <message>
        <source>PIN again</source>
        <translation>确认密码</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>已停用</translation>
    </message>
    <message>
        <source>The two PINs differ: type the PIN again</source>
        <translation>两次输入的密码不一致，请重新输入</translation>
    </message>
    <message>
        <source>{name} ({id}) added: they can log in with their PIN now</source>
        <translation>已添加 {name}（{id}），现在可以用密码登录</translation>
    </message>
    <message>
        <source>Choose a staff member in the table first</source>
        <translation>请先在表格中选择一名工作人员</translation>
    </message>
    <message>
        <source>You cannot disable yourself while logged in</source>
        <translation>不能停用当前登录的本人工号</translation>
    </message>
    <message>
        <source>{name} ({id}) enabled: they can log in again</source>
        <translation>已启用 {name}（{id}），可以重新登录</translation>
    </message>
    <message>
        <source>{name} ({id}) disabled: they can no longer log in</source>
        <translation>已停用 {name}（{id}），不能再登录</translation>
    </message>
    <message>
        <source>Observation after the injection: {minutes} minutes ({allergy} minutes with an allergy history). Fever from {fever} °C.</source>
        <translation>接种后留观 {minutes} 分钟（有过敏史者留观 {allergy} 分钟）。体温 ≥ {fever} °C 为发热。</translation>
    </message>
    <message>
        <source>Vaccine</source>
        <translation>疫苗</translation>
    </message>
    <message>
        <source>Ages</source>
        <translation>适用年龄</translation>
    </message>
    <message>
        <source>Doses and intervals</source>
        <translation>剂次与间隔</translation>
    </message>
    <message>
        <source>Booster</source>
        <translation>加强针</translation>
    </message>
    <message>
        <source>{low} and over</source>
        <translation>{low} 岁及以上</translation>
    </message>
    <message>
        <source>{low} to {high}</source>
        <translation>{low}–{high} 岁</translation>
    </message>
    <message>
        <source>Doses in the series: {n}, {ml} ml each</source>
        <translation>基础免疫 {n} 剂，每剂 {ml} mL</translation>
    </message>
    <message>
        <source>dose {n}: {low} to {high} days after dose {prev}</source>
        <translation>第{n}剂次：与第{prev}剂次间隔 {low}–{high} 天</translation>
    </message>
    <message>
        <source>dose {n}: from {low} days after dose {prev}</source>
        <translation>第{n}剂次：与第{prev}剂次间隔 {low} 天及以上</translation>
    </message>
    <message>
        <source>after a series of {primaries}: from {days} days</source>
        <translation>完成 {primaries} 全程接种满 {days} 天后</translation>
    </message>
    <message>
        <source>not as a booster</source>
        <translation>不用作加强针</translation>
    </message>
    <message>
        <source>Pre-screen question</source>
        <translation>预检问题</translation>
    </message>
    <message>
        <source>A yes (or fever) means</source>
        <translation>回答“是”（或发热）时</translation>
    </message>
    <message>
        <source>may be vaccinated</source>
        <translation>可以接种</translation>
    </message>
    <message>
        <source>note: {note}</source>
        <translation>提示：{note}</translation>
    </message>
    <message>
        <source>defer (come back later)</source>
        <translation>暂缓接种（劝返，改日再来）</translation>
    </message>
    <message>
        <source>refuse (contraindication)</source>
        <translation>不予接种（禁忌症）</translation>
    </message>
    <message>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>环节</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>排队号</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>From laptop</source>
        <translation>来自电脑</translation>
    </message>
    <message>
        <source>Staff</source>
        <translation>工作人员</translation>
    </message>
    <message>
        <source>What was decided (required), then Enter</source>
        <translation>处理意见（必填），然后回车</translation>
    </message>
    <message>
        <source>Resolve (F4)</source>
        <translation>处理 (F4)</translation>
    </message>
    <message>
        <source>Records from two laptops that contradict each other. Both are kept; check with the desks, then write down what was decided.</source>
        <translation>两台电脑上的记录互相矛盾。两条记录都会保留；请与相关工作台核实后，写下处理意见。</translation>
    </message>
    <message>
        <source>This record</source>
        <translation>本条记录</translation>
    </message>
    <message>
        <source>The record it contradicts</source>
        <translation>与之矛盾的记录</translation>
    </message>
    <message>
        <source>Laptop</source>
        <translation>电脑</translation>
    </message>
    <message>
        <source>Person</source>
        <translation>受种者</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>疫苗</translation>
    </message>
    <message>
        <source>Lot</source>
        <translation>批号</translation>
    </message>
    <message>
        <source>Dose</source>
        <translation>剂次</translation>
    </message>
    <message>
        <source>Desk</source>
        <translation>接种台</translation>
    </message>
    <message>
        <source>Site of injection</source>
        <translation>接种部位</translation>
    </message>
    <message>
        <source>Seat</source>
        <translation>座位</translation>
    </message>
    <message>
        <source>Minutes</source>
        <translation>分钟</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Slot</source>
        <translation>时段</translation>
    </message>
    <message>
        <source>Booking no.</source>
        <translation>预约号</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>体温</translation>
    </message>
    <message>
        <source>Reasons</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Reaction</source>
        <translation>反应</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>严重程度</translation>
    </message>
    <message>
        <source>Handling</source>
        <translation>处置</translation>
    </message>
    <message>
        <source>Observation extended (min)</source>
        <translation>留观延长（分钟）</translation>
    </message>
    <message>
        <source>Staff ID</source>
        <translation>工号</translation>
    </message>
    <message>
        <source>(none held on this laptop)</source>
        <translation>（本机没有这条记录）</translation>
    </message>
    <message>
        <source>Conflicts: {n} (Alt+4)</source>
        <translation>冲突记录：{n} (Alt+4)</translation>
    </message>
    <message>
        <source>Choose a conflict in the table first</source>
        <translation>请先在表格中选择一条冲突记录</translation>
    </message>
    <message>
        <source>Conflict resolved: your note is recorded</source>
        <translation>冲突已处理，处理意见已记录</translation>
    </message>
</context>
<context>
    <name>AefiDialog</name>
    <message>
        <source>Adverse reaction</source>
        <translation>疑似预防接种异常反应</translation>
    </message>
    <message>
        <source>Common reactions</source>
        <translation>一般反应</translation>
    </message>
    <message>
        <source>Rare / adverse reactions</source>
        <translation>少见反应 / 异常反应</translation>
    </message>
    <message>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <source>What was seen, what was done</source>
        <translation>观察到的情况，采取的处置</translation>
    </message>
    <message>
        <source>Reaction</source>
        <translation>反应</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>严重程度</translation>
    </message>
    <message>
        <source>Handling</source>
        <translation>处置</translation>
    </message>
    <message>
        <source>Onset time</source>
        <translation>发生时间</translation>
    </message>
    <message>
        <source>Extend observation by</source>
        <translation>延长留观</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Record (Enter)</source>
        <translation>记录 (回车)</translation>
    </message>
    <message>
        <source>Cancel (Esc)</source>
        <translation>取消 (Esc)</translation>
    </message>
    <message>
        <source>Adverse reaction: No. {n}  {name}</source>
        <translation>异常反应：{n}号  {name}</translation>
    </message>
    <message>
        <source>Handed over to hospital: recording it ends this person's observation</source>
        <translation>转送医院：记录后此人的留观即结束</translation>
    </message>
    <message>
        <source>Fever</source>
        <translation>发热</translation>
    </message>
    <message>
        <source>Redness at the injection site</source>
        <translation>接种部位红晕</translation>
    </message>
    <message>
        <source>Swelling at the injection site</source>
        <translation>接种部位肿胀</translation>
    </message>
    <message>
        <source>Hard lump (induration)</source>
        <translation>接种部位硬结</translation>
    </message>
    <message>
        <source>Pain at the injection site</source>
        <translation>接种部位疼痛</translation>
    </message>
    <message>
        <source>Headache</source>
        <translation>头痛</translation>
    </message>
    <message>
        <source>Fatigue</source>
        <translation>乏力</translation>
    </message>
    <message>
        <source>Nausea</source>
        <translation>恶心</translation>
    </message>
    <message>
        <source>Allergic rash</source>
        <translation>过敏性皮疹</translation>
    </message>
    <message>
        <source>Anaphylaxis (severe allergic reaction)</source>
        <translation>严重过敏反应（过敏性休克）</translation>
    </message>
    <message>
        <source>Fainting (vasovagal syncope)</source>
        <translation>晕厥（晕针）</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>Mild</source>
        <translation>轻度</translation>
    </message>
    <message>
        <source>Moderate</source>
        <translation>中度</translation>
    </message>
    <message>
        <source>Severe</source>
        <translation>重度</translation>
    </message>
    <message>
        <source>Observed</source>
        <translation>继续观察</translation>
    </message>
    <message>
        <source>Treated on site</source>
        <translation>现场处置</translation>
    </message>
    <message>
        <source>Transferred to hospital</source>
        <translation>转送医院</translation>
    </message>
    <message>
        <source>The onset time is later than now</source>
        <translation>发生时间晚于现在，请核对</translation>
    </message>
</context>
<context>
    <name>AuditPanel</name>
    <message>
        <source>Audit trail</source>
        <translation>审计记录</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Laptop</source>
        <translation>站点电脑</translation>
    </message>
    <message>
        <source>Staff</source>
        <translation>工作人员</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Queue no.</source>
        <translation>排队号</translation>
    </message>
    <message>
        <source>Person</source>
        <translation>人员</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>Correct or void…</source>
        <translation>更正或作废…</translation>
    </message>
    <message>
        <source>Close (Esc)</source>
        <translation>关闭 (Esc)</translation>
    </message>
    <message>
        <source>Everyone</source>
        <translation>全部人员</translation>
    </message>
    <message>
        <source>All actions</source>
        <translation>全部操作</translation>
    </message>
    <message>
        <source>Audit trail, {day}</source>
        <translation>审计记录，{day}</translation>
    </message>
    <message>
        <source> (voided)</source>
        <translation>（已作废）</translation>
    </message>
    <message>
        <source> (corrected)</source>
        <translation>（已更正）</translation>
    </message>
    <message>
        <source>{action} at {time} by {staff}: {summary} — reason: {reason}</source>
        <translation>{time} {staff} 的{action}：{summary} — 原因：{reason}</translation>
    </message>
    <message>
        <source>{action} at {time} by {staff} — reason: {reason}</source>
        <translation>{time} {staff} 的{action} — 原因：{reason}</translation>
    </message>
    <message>
        <source>Choose a record in the table first</source>
        <translation>请先在表中选择一条记录</translation>
    </message>
    <message>
        <source>This kind of record cannot be corrected</source>
        <translation>这类记录不能更正</translation>
    </message>
</context>
<context>
    <name>BoardWindow</name>
    <message>
        <source>Observation area board</source>
        <translation>留观区大屏</translation>
    </message>
    <message>
        <source>Observation area</source>
        <translation>留观区</translation>
    </message>
    <message>
        <source>May leave now</source>
        <translation>可以离开</translation>
    </message>
    <message>
        <source>Show your slip at the exit</source>
        <translation>请到出口出示留观单</translation>
    </message>
    <message>
        <source>Numbers appear here when their time is up</source>
        <translation>留观时间到的号码将显示在这里</translation>
    </message>
    <message>
        <source>No one is under observation</source>
        <translation>目前没有留观人员</translation>
    </message>
    <message>
        <source>Please stay {minutes} minutes after your injection. When your number is in green you may leave. Feel unwell? Tell the staff at once.</source>
        <translation>接种后请留观 {minutes} 分钟，号码显示在绿色区域后方可离开。如有不适，请立即告知工作人员。</translation>
    </message>
    <message>
        <source>Still observing: {n}</source>
        <translation>留观中：{n} 人</translation>
    </message>
    <message>
        <source>page {page} of {pages}</source>
        <translation>第 {page} / {pages} 页</translation>
    </message>
    <message>
        <source>{m} min</source>
        <translation>{m} 分钟</translation>
    </message>
    <message>
        <source>Seat {seat}</source>
        <translation>座位 {seat}</translation>
    </message>
    <message>
        <source>standing</source>
        <translation>站立</translation>
    </message>
</context>
<context>
    <name>BookingsPanel</name>
    <message>
        <source>Choose a CSV or XLSX file...</source>
        <translation>选择 CSV 或 XLSX 文件…</translation>
    </message>
    <message>
        <source>No file chosen</source>
        <translation>未选择文件</translation>
    </message>
    <message>
        <source>Line</source>
        <translation>行号</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>身份证号</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Slot</source>
        <translation>时段</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <source>Why it is refused</source>
        <translation>错误原因</translation>
    </message>
    <message>
        <source>To import</source>
        <translation>将导入</translation>
    </message>
    <message>
        <source>Bad rows (not imported)</source>
        <translation>错误行（不导入）</translation>
    </message>
    <message>
        <source>Import the good rows and leave out the bad ones</source>
        <translation>只导入正确的行，跳过错误行</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Bookings file</source>
        <translation>预约名单文件</translation>
    </message>
    <message>
        <source>Bookings (*.csv *.xlsx *.txt);;All files (*)</source>
        <translation>预约名单 (*.csv *.xlsx *.txt);;所有文件 (*)</translation>
    </message>
    <message>
        <source>{good} rows to import, {bad} bad rows: nothing is stored until Import</source>
        <translation>可导入 {good} 行，错误 {bad} 行：点“导入”之前不会保存任何记录</translation>
    </message>
</context>
<context>
    <name>CallScreen</name>
    <message>
        <source>Calling screen</source>
        <translation>叫号屏</translation>
    </message>
    <message>
        <source>Calling</source>
        <translation>叫号</translation>
    </message>
    <message>
        <source>Now calling</source>
        <translation>正在叫号</translation>
    </message>
    <message>
        <source>Called before</source>
        <translation>已叫号</translation>
    </message>
    <message>
        <source>Next for pre-screen</source>
        <translation>等待预检</translation>
    </message>
    <message>
        <source>Next for injection</source>
        <translation>等待接种</translation>
    </message>
    <message>
        <source>May leave (observation over)</source>
        <translation>留观结束，可以离开</translation>
    </message>
    <message>
        <source>When your number is called, go to that injection desk. Missed your number? Tell the staff.</source>
        <translation>听到叫号请到相应接种台接种；错过叫号请告知工作人员。</translation>
    </message>
    <message>
        <source>Injection desk {desk}</source>
        <translation>{desk}号接种台</translation>
    </message>
    <message>
        <source>Waiting for the first call</source>
        <translation>等待叫号</translation>
    </message>
    <message>
        <source>Please go to {desk}</source>
        <translation>请到{desk}</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>May leave: {n}</source>
        <translation>留观结束，可以离开：{n}人</translation>
    </message>
</context>
<context>
    <name>CameraWidget</name>
    <message>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <source>Starting the camera…</source>
        <translation>正在打开摄像头…</translation>
    </message>
    <message>
        <source>Scanning: {source}</source>
        <translation>正在扫码：{source}</translation>
    </message>
    <message>
        <source>Last code: {what} at {time}</source>
        <translation>{time} 扫到：{what}</translation>
    </message>
    <message>
        <source>The video has ended</source>
        <translation>视频已播放完毕</translation>
    </message>
    <message>
        <source>camera {n}</source>
        <translation>摄像头 {n}</translation>
    </message>
    <message>
        <source>demo pictures</source>
        <translation>演示图片</translation>
    </message>
    <message>
        <source>booking QR</source>
        <translation>预约码</translation>
    </message>
    <message>
        <source>health code</source>
        <translation>健康码</translation>
    </message>
    <message>
        <source>exit code</source>
        <translation>离场码</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>身份证号</translation>
    </message>
    <message>
        <source>unknown code</source>
        <translation>无法识别的码</translation>
    </message>
    <message>
        <source>Camera off</source>
        <translation>摄像头已关闭</translation>
    </message>
    <message>
        <source>Not an exit code: scan the QR on the observation slip</source>
        <translation>不是离场码：请扫留观单上的二维码</translation>
    </message>
</context>
<context>
    <name>CorrectDialog</name>
    <message>
        <source>Correct a record</source>
        <translation>更正记录</translation>
    </message>
    <message>
        <source>Why (required)</source>
        <translation>原因（必填）</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Save correction (Enter)</source>
        <translation>保存更正 (Enter)</translation>
    </message>
    <message>
        <source>Void this record</source>
        <translation>作废此记录</translation>
    </message>
    <message>
        <source>Cancel (Esc)</source>
        <translation>取消 (Esc)</translation>
    </message>
    <message>
        <source>{action} at {time}</source>
        <translation>{time} 的{action}记录</translation>
    </message>
    <message>
        <source>The record stays as it was; the correction is recorded with your name and reason.</source>
        <translation>原记录保留不变；更正会连同您的工号和原因一起记录。</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <source>Temperature (°C)</source>
        <translation>体温（°C）</translation>
    </message>
    <message>
        <source>Body site</source>
        <translation>接种部位</translation>
    </message>
    <message>
        <source>Lot</source>
        <translation>批号</translation>
    </message>
    <message>
        <source>Dose number</source>
        <translation>剂次</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <source>Handling</source>
        <translation>处置</translation>
    </message>
    <message>
        <source>Left upper arm (deltoid)</source>
        <translation>左上臂三角肌</translation>
    </message>
    <message>
        <source>Right upper arm (deltoid)</source>
        <translation>右上臂三角肌</translation>
    </message>
    <message>
        <source>Observed</source>
        <translation>继续观察</translation>
    </message>
    <message>
        <source>Treated on site</source>
        <translation>现场处置</translation>
    </message>
    <message>
        <source>Handed over to hospital</source>
        <translation>转送医院</translation>
    </message>
    <message>
        <source>Nothing of yours to correct yet</source>
        <translation>还没有您可以更正的记录</translation>
    </message>
</context>
<context>
    <name>DamagedDialog</name>
    <message>
        <source>The station's database cannot be used</source>
        <translation>本机数据库无法使用</translation>
    </message>
    <message>
        <source>Latest sound backup: %1 (%2 records). Restoring it puts it in place of the damaged file, which is kept in replaced/.</source>
        <translation>最近一次完好的备份：%1（%2 条记录）。恢复后它将取代损坏的文件，损坏的文件保留在 replaced/ 文件夹中。</translation>
    </message>
    <message>
        <source>No sound backup was found in the backups folder or on the USB stick.</source>
        <translation>在备份文件夹和 U 盘中都没有找到完好的备份。</translation>
    </message>
    <message>
        <source>From the site hub (%1): this station had joined it, so its records that reached the hub are there. Bringing them back makes a new database with the same station id from the hub's records (the whole site's, this station's included) and keeps the damaged file in replaced/. Records made here after the last sync are only in the damaged file and its backups: keep them.</source>
        <translation>从现场主机（%1）取回：本机曾加入该主机，已同步到主机的记录都在那里。取回会用主机上的记录（整个现场的，包括本机的）建立一个站点编号相同的新数据库，损坏的文件保留在 replaced/ 文件夹中。最后一次同步之后在本机录入的记录只在损坏的文件及其备份中：请保留它们。</translation>
    </message>
    <message>
        <source>From the site hub: on a station that had joined a hub, its records are on the hub too. Set this laptop up as a new station (a new station id) and join the hub with a new code: it pulls the whole site's records, this station's included (install guide, section 7). Records not yet synced are only in the damaged file and its backups: keep them.</source>
        <translation>从现场主机取回：已加入现场主机的工作站，其记录在主机上也有一份。把这台电脑设置为一个新的工作站（新的站号），用新的加入码加入主机：它会取回整个现场的记录，包括本机的记录（见安装说明第 7 节）。尚未同步的记录只在损坏的文件及其备份中：请保留它们。</translation>
    </message>
    <message>
        <source>Restore the latest backup</source>
        <translation>恢复最近的备份</translation>
    </message>
    <message>
        <source>Bring the records back from the hub</source>
        <translation>从主机取回记录</translation>
    </message>
    <message>
        <source>Close the program</source>
        <translation>关闭程序</translation>
    </message>
    <message>
        <source>Bringing the records back from the hub…</source>
        <translation>正在从主机取回记录……</translation>
    </message>
    <message>
        <source>The hub could not be reached or refused (%1). Nothing was changed; try again when the hub is on the network.</source>
        <translation>无法连接主机或主机拒绝（%1）。未做任何改动；请在主机联网后重试。</translation>
    </message>
</context>
<context>
    <name>DiscardVialDialog</name>
    <message>
        <source>Discard vial</source>
        <translation>废弃疫苗瓶</translation>
    </message>
    <message>
        <source>— choose the reason —</source>
        <translation>— 请选择原因 —</translation>
    </message>
    <message>
        <source>What happened (required for Other)</source>
        <translation>发生了什么（选“其他”时必填）</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>废弃原因</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>Discard (Enter)</source>
        <translation>确认废弃 (Enter)</translation>
    </message>
    <message>
        <source>Cancel (Esc)</source>
        <translation>取消 (Esc)</translation>
    </message>
    <message>
        <source>Discard vial {vial}</source>
        <translation>废弃疫苗瓶 {vial}</translation>
    </message>
    <message>
        <source>Lot {lot}: the {n} doses left in this vial will be recorded as wasted.</source>
        <translation>批号 {lot}：此瓶剩余的 {n} 剂将记为报损。</translation>
    </message>
    <message>
        <source>Expired after opening</source>
        <translation>开启后超时</translation>
    </message>
    <message>
        <source>Broken</source>
        <translation>破损</translation>
    </message>
    <message>
        <source>Contaminated</source>
        <translation>污染</translation>
    </message>
    <message>
        <source>Other (write what happened)</source>
        <translation>其他（请写明情况）</translation>
    </message>
    <message>
        <source>Choose why the vial is discarded</source>
        <translation>请选择废弃原因</translation>
    </message>
    <message>
        <source>Write what happened</source>
        <translation>请写明发生了什么</translation>
    </message>
</context>
<context>
    <name>Doses</name>
    <message>
        <source>booster</source>
        <translation>加强针</translation>
    </message>
    <message>
        <source>dose {n}</source>
        <translation>第{n}剂次</translation>
    </message>
</context>
<context>
    <name>FirstRunDialog</name>
    <message>
        <source>Set up this laptop</source>
        <translation>本机设置</translation>
    </message>
    <message>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <source>Site name</source>
        <translation>接种点名称</translation>
    </message>
    <message>
        <source>Station id</source>
        <translation>站点编号</translation>
    </message>
    <message>
        <source>Desk number</source>
        <translation>工作台号</translation>
    </message>
    <message>
        <source>Lock when idle after</source>
        <translation>无操作锁屏</translation>
    </message>
    <message>
        <source>Desks on this laptop</source>
        <translation>本机岗位</translation>
    </message>
    <message>
        <source>First administrator of this site</source>
        <translation>本接种点第一位管理员</translation>
    </message>
    <message>
        <source>Staff id</source>
        <translation>工号</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>PIN (4-12 digits)</source>
        <translation>密码（4-12 位数字）</translation>
    </message>
    <message>
        <source>PIN again</source>
        <translation>再次输入密码</translation>
    </message>
    <message>
        <source>Welcome. Set up this laptop for the vaccination point.</source>
        <translation>欢迎使用。请先为本接种点设置这台电脑。</translation>
    </message>
    <message>
        <source>Enter the site name</source>
        <translation>请填写接种点名称</translation>
    </message>
    <message>
        <source>Enter this laptop's station id</source>
        <translation>请填写本机的站点编号</translation>
    </message>
    <message>
        <source>Choose at least one desk</source>
        <translation>请至少选择一个岗位</translation>
    </message>
    <message>
        <source>Write down the recovery code first, then tick the box</source>
        <translation>请先抄下恢复码，再勾选下面的方框</translation>
    </message>
    <message>
        <source>The two PINs differ: type the PIN again</source>
        <translation>两次输入的密码不一致，请重新输入</translation>
    </message>
    <message>
        <source>The first administrator is set up</source>
        <translation>第一位管理员已建立</translation>
    </message>
</context>
<context>
    <name>Header</name>
    <message>
        <source>{site} · desk {desk}</source>
        <translation>{site} · {desk}号台</translation>
    </message>
    <message>
        <source>Staff: {name} ({id})</source>
        <translation>工作人员：{name}（{id}）</translation>
    </message>
    <message>
        <source>Not logged in</source>
        <translation>未登录</translation>
    </message>
    <message>
        <source>Signed in {signed_in}  ·  waiting: pre-screen {wp} / injection {wi} / observation {wo}  ·  vaccinated {injected}  ·  observing {observing}  ·  turned away {turned_away}  ·  doses left {doses_left}  ·  bookings left {bookings_left}</source>
        <translation>已签到 {signed_in}  ·  等候：预检 {wp} / 接种 {wi} / 留观 {wo}  ·  已接种 {injected}  ·  留观中 {observing}  ·  劝返 {turned_away}  ·  剩余疫苗 {doses_left} 剂  ·  剩余预约 {bookings_left}</translation>
    </message>
    <message>
        <source>to hospital {n}</source>
        <translation>转送医院 {n}</translation>
    </message>
    <message>
        <source>Check this laptop's clock</source>
        <translation>请检查本机时钟</translation>
    </message>
    <message>
        <source>Daily checklist: {n} not done</source>
        <translation>每日检查：{n} 项未完成</translation>
    </message>
    <message>
        <source>Low stock: {left} doses for {bookings} people</source>
        <translation>库存不足：剩 {left} 剂，待接种 {bookings} 人</translation>
    </message>
    <message>
        <source>Low stock: {left} doses left, {bookings} people still to vaccinate today (keep {margin} spare): receive more vaccine</source>
        <translation>库存不足：剩余 {left} 剂，今日尚有 {bookings} 人待接种（需留余量 {margin} 剂）：请补充疫苗</translation>
    </message>
</context>
<context>
    <name>InjectPage</name>
    <message>
        <source>Call next (F2)</source>
        <translation>叫下一位 (F2)</translation>
    </message>
    <message>
        <source>F2 or Space: call the next person in queue order</source>
        <translation>F2 或空格：按排队顺序叫下一位</translation>
    </message>
    <message>
        <source>Now called</source>
        <translation>当前叫号</translation>
    </message>
    <message>
        <source>Usable lots of this vaccine, first expiry first</source>
        <translation>此疫苗的可用批号，先到期的在前</translation>
    </message>
    <message>
        <source>Scan the vial's code or type the lot number (F6), Enter</source>
        <translation>扫疫苗追溯码或输入批号 (F6)，回车</translation>
    </message>
    <message>
        <source>A vial's pack code (GS1 or 20-digit traceability code) opens that vial at this desk; a lot number selects the lot</source>
        <translation>扫疫苗瓶上的码（GS1 码或20位追溯码）即在本台开启该瓶；输入批号则选择该批号</translation>
    </message>
    <message>
        <source>Lot</source>
        <translation>批号</translation>
    </message>
    <message>
        <source>Injected (Enter / F5)</source>
        <translation>已接种 (回车 / F5)</translation>
    </message>
    <message>
        <source>Recall (F3)</source>
        <translation>重新叫号 (F3)</translation>
    </message>
    <message>
        <source>Absent (F4)</source>
        <translation>过号 (F4)</translation>
    </message>
    <message>
        <source>Correct…</source>
        <translation>更正…</translation>
    </message>
    <message>
        <source>Correct or void your last recorded injection</source>
        <translation>更正或作废您最近登记的一次接种</translation>
    </message>
    <message>
        <source>Open vial at this desk</source>
        <translation>本台开启的疫苗瓶</translation>
    </message>
    <message>
        <source>Open vial (F7)</source>
        <translation>开启新瓶 (F7)</translation>
    </message>
    <message>
        <source>Open a vial of the lot picked (or scan the vial's code: F6)</source>
        <translation>开启所选批号的一瓶（或扫疫苗瓶上的码：F6）</translation>
    </message>
    <message>
        <source>Discard (F8)</source>
        <translation>废弃 (F8)</translation>
    </message>
    <message>
        <source>Discard the open vial: its doses left are recorded as wasted</source>
        <translation>废弃开启的疫苗瓶：剩余剂次记为报损</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>等候接种</translation>
    </message>
    <message>
        <source>For information: people are called in queue order (F2)</source>
        <translation>仅供查看：按排队顺序叫号 (F2)</translation>
    </message>
    <message>
        <source>Queue number {n} is no longer waiting at this desk</source>
        <translation>{n}号已不在本台等候</translation>
    </message>
    <message>
        <source>Queue number {n} is called at this desk: inject (Enter) or mark absent (F4)</source>
        <translation>{n}号已在本台叫号：接种后按回车，未到按 F4 记为过号</translation>
    </message>
    <message>
        <source>Waiting: {n}</source>
        <translation>等候接种：{n}</translation>
    </message>
    <message>
        <source>(desk {desk})</source>
        <translation>（{desk}号台）</translation>
    </message>
    <message>
        <source>(missed)</source>
        <translation>（过号）</translation>
    </message>
    <message>
        <source>{lot} · expires {expiry} · {left} left</source>
        <translation>{lot} · 有效期至 {expiry} · 剩余 {left} 剂</translation>
    </message>
    <message>
        <source>also open: {product} lot {lot}, {left} left</source>
        <translation>另开启：{product} 批号 {lot}，剩 {left} 剂</translation>
    </message>
    <message>
        <source>Single-dose vials</source>
        <translation>单剂次瓶</translation>
    </message>
    <message>
        <source>No open vial</source>
        <translation>未开瓶</translation>
    </message>
    <message>
        <source>Each injection opens a vial: nothing to open first</source>
        <translation>每次接种自动开启一瓶，无需先开瓶</translation>
    </message>
    <message>
        <source>Open a vial before the next injection: scan it (F6) or pick the lot and press F7</source>
        <translation>下一位接种前请先开瓶：扫疫苗瓶（F6），或选好批号按 F7</translation>
    </message>
    <message>
        <source>{left} of {doses} doses left</source>
        <translation>剩 {left} 剂（共 {doses} 剂）</translation>
    </message>
    <message>
        <source>{product} · lot {lot}</source>
        <translation>{product} · 批号 {lot}</translation>
    </message>
    <message>
        <source>Vial {vial}</source>
        <translation>瓶号 {vial}</translation>
    </message>
    <message>
        <source>Opened {opened} · use by {until}</source>
        <translation>{opened} 开瓶 · {until} 前用完</translation>
    </message>
    <message>
        <source>Past its time after opening: do not use it. Discard it (F8), then open a new one</source>
        <translation>已超过开瓶后使用时限：不得使用。请废弃（F8）后开启新瓶</translation>
    </message>
    <message>
        <source>No usable lot of {product} in stock</source>
        <translation>库存中没有{product}的可用批号</translation>
    </message>
    <message>
        <source>Pick the lot, or scan the vial</source>
        <translation>请选择批号，或扫描疫苗追溯码</translation>
    </message>
    <message>
        <source>Nobody called: press F2 to call the next person</source>
        <translation>尚未叫号：按 F2 叫下一位</translation>
    </message>
    <message>
        <source>{route}, {ml} mL</source>
        <translation>{route}，{ml} mL</translation>
    </message>
    <message>
        <source>Pre-screen note: {notes}</source>
        <translation>预检提示：{notes}</translation>
    </message>
    <message>
        <source>Nobody is waiting for the injection</source>
        <translation>没有人等候接种</translation>
    </message>
    <message>
        <source>Calling queue number {n}: {name}</source>
        <translation>叫号：{n}号 {name}</translation>
    </message>
    <message>
        <source>Pick the lot or scan the vial first</source>
        <translation>请先选择批号或扫描疫苗追溯码</translation>
    </message>
    <message>
        <source>Queue number {n} {name}: {dose} recorded (lot {lot}). Please go to observation</source>
        <translation>{n}号 {name}：{dose}已记录（批号 {lot}）。请到留观区留观</translation>
    </message>
    <message>
        <source>Vial used up: open the next one before the next injection (scan it or F7)</source>
        <translation>此瓶已用完：下一位接种前请开启新瓶（扫码或 F7）</translation>
    </message>
    <message>
        <source>Vial: {left} doses left</source>
        <translation>此瓶剩 {left} 剂</translation>
    </message>
    <message>
        <source>Calling queue number {n} again: {name}</source>
        <translation>再次叫号：{n}号 {name}</translation>
    </message>
    <message>
        <source>Queue number {n} is absent: back of the queue. Call the next (F2)</source>
        <translation>{n}号过号，已排到队尾。请叫下一位 (F2)</translation>
    </message>
    <message>
        <source>Lot {lot} selected</source>
        <translation>已选批号 {lot}</translation>
    </message>
    <message>
        <source>Multi-dose vials: open one (F7) before the injection</source>
        <translation>多剂次瓶：接种前请先开瓶（F7）</translation>
    </message>
    <message>
        <source>Pick the lot of the vial to open first</source>
        <translation>请先选择要开瓶的批号</translation>
    </message>
    <message>
        <source>Vial {vial} opened: lot {lot}, {n} doses, use by {until}</source>
        <translation>已开启疫苗瓶 {vial}：批号 {lot}，{n} 剂，{until} 前用完</translation>
    </message>
    <message>
        <source>No vial is open at this desk</source>
        <translation>本台没有开启的疫苗瓶</translation>
    </message>
    <message>
        <source>Vial {vial} discarded: {n} doses recorded as wasted. Open the next one (scan it or F7)</source>
        <translation>疫苗瓶 {vial} 已废弃：报损 {n} 剂。请开启新瓶（扫码或 F7）</translation>
    </message>
    <message>
        <source>Nobody is called: press F2 to call the next person</source>
        <translation>当前没有叫号：按 F2 叫下一位</translation>
    </message>
</context>
<context>
    <name>LockCover</name>
    <message>
        <source>Log in (Enter)</source>
        <translation>登录 (Enter)</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>Staff login</source>
        <translation>工作人员登录</translation>
    </message>
    <message>
        <source>Staff id</source>
        <translation>工号</translation>
    </message>
    <message>
        <source>PIN</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Forgot PIN? (admin recovery code)</source>
        <translation>忘记密码？（管理员恢复码）</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Vaccination Station — {site}</source>
        <translation>临时接种点工作站 — {site}</translation>
    </message>
    <message>
        <source>Lock (F12)</source>
        <translation>锁屏 (F12)</translation>
    </message>
    <message>
        <source>Not logged in</source>
        <translation>未登录</translation>
    </message>
    <message>
        <source>Locked after being idle: log in again</source>
        <translation>长时间无操作，已锁定：请重新登录</translation>
    </message>
    <message>
        <source>Locked: log in to go on</source>
        <translation>已锁定：请登录后继续</translation>
    </message>
    <message>
        <source>You have no desk role: the desk tabs are for their own staff. Here: the site admin's work.</source>
        <translation>您没有工作台岗位：各工作台页面供相应岗位人员使用。此处为站点管理工作。</translation>
    </message>
</context>
<context>
    <name>NewStationPassphraseDialog</name>
    <message>
        <source>Protect this laptop's records</source>
        <translation>保护本机的记录</translation>
    </message>
    <message>
        <source>Database passphrase (at least 8 characters)</source>
        <translation>数据库密码（至少 8 个字符）</translation>
    </message>
    <message>
        <source>The passphrase again</source>
        <translation>再输入一次密码</translation>
    </message>
    <message>
        <source>Remember on this computer (the system keyring of this account)</source>
        <translation>在本机记住（存入此账户的系统钥匙串）</translation>
    </message>
    <message>
        <source>Encrypt</source>
        <translation>加密</translation>
    </message>
    <message>
        <source>Not encrypted</source>
        <translation>不加密</translation>
    </message>
    <message>
        <source>Encrypt this laptop's records?</source>
        <translation>是否加密本机的记录？</translation>
    </message>
    <message>
        <source>Names, ID numbers and phone numbers are kept on this laptop. Encrypted, a lost or stolen laptop or a copied file shows nothing without the passphrase, which is asked at every start (or kept in this account's keyring). Write it down where the site keeps its secrets: a forgotten passphrase cannot be recovered. Not encrypted: anyone who can read the disk can read them.</source>
        <translation>本机保存着姓名、身份证号和电话。加密后，笔记本丢失、被盗或文件被拷走，没有密码都看不到任何内容；每次启动时输入密码（或保存在本账户的系统钥匙串中）。请把密码记在现场保管重要信息的地方：忘记的密码无法找回。不加密：能读取硬盘的人都能看到这些信息。</translation>
    </message>
</context>
<context>
    <name>ObservePage</name>
    <message>
        <source>Seat (F2)</source>
        <translation>安排入座 (F2)</translation>
    </message>
    <message>
        <source>Press F2 to seat the first person waiting</source>
        <translation>按 F2 为第一位等候者安排座位</translation>
    </message>
    <message>
        <source>Waiting for a seat</source>
        <translation>等候入座</translation>
    </message>
    <message>
        <source>Seat</source>
        <translation>座位</translation>
    </message>
    <message>
        <source>Exit scan: queue number or slip code, then Enter</source>
        <translation>出口扫码：扫留观单或输入排队号，回车</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>排队号</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Vaccine</source>
        <translation>疫苗</translation>
    </message>
    <message>
        <source>Injected</source>
        <translation>接种时间</translation>
    </message>
    <message>
        <source>Until</source>
        <translation>留观至</translation>
    </message>
    <message>
        <source>Left</source>
        <translation>剩余</translation>
    </message>
    <message>
        <source>Reaction</source>
        <translation>反应</translation>
    </message>
    <message>
        <source>Release (F5)</source>
        <translation>结束留观 (F5)</translation>
    </message>
    <message>
        <source>Release early (F6)</source>
        <translation>提前结束 (F6)</translation>
    </message>
    <message>
        <source>Adverse reaction (F7)</source>
        <translation>异常反应 (F7)</translation>
    </message>
    <message>
        <source>Reprint slip (F8)</source>
        <translation>重打留观单 (F8)</translation>
    </message>
    <message>
        <source>Print preview</source>
        <translation>打印预览</translation>
    </message>
    <message>
        <source>Board (F9)</source>
        <translation>大屏 (F9)</translation>
    </message>
    <message>
        <source>Observation area</source>
        <translation>留观区</translation>
    </message>
    <message>
        <source>Correct…</source>
        <translation>更正…</translation>
    </message>
    <message>
        <source>Correct or void your last reaction report</source>
        <translation>更正或作废您最近登记的异常反应</translation>
    </message>
    <message>
        <source>AEFI ×{n}</source>
        <translation>异常反应 ×{n}</translation>
    </message>
    <message>
        <source>SERIOUS</source>
        <translation>严重</translation>
    </message>
    <message>
        <source>standing</source>
        <translation>站立</translation>
    </message>
    <message>
        <source>may leave</source>
        <translation>可离开</translation>
    </message>
    <message>
        <source>{n} min</source>
        <translation>{n} 分钟</translation>
    </message>
    <message>
        <source>No. {n}  {name}  {time}
{product}</source>
        <translation>{n}号  {name}  {time}
{product}</translation>
    </message>
    <message>
        <source>Seats taken: {taken} of {seats}  ·  observing: {n}</source>
        <translation>已坐 {taken} / {seats} 座  ·  留观中 {n}</translation>
    </message>
    <message>
        <source>The observation area is full: new arrivals observe standing until a seat frees up</source>
        <translation>留观区已满：新来的人先站立留观，有空座位再入座</translation>
    </message>
    <message>
        <source>The observation area is nearly full: {free} seats free</source>
        <translation>留观区快满了：只剩 {free} 个空座位</translation>
    </message>
    <message>
        <source>Scan the slip or choose a person in the table</source>
        <translation>扫描留观单，或在表格中选择一人</translation>
    </message>
    <message>
        <source>No. {n}  {name}  ·  seat {seat}  ·  until {until}</source>
        <translation>{n}号  {name}  ·  座位 {seat}  ·  留观至 {until}</translation>
    </message>
    <message>
        <source>No visit today for “{code}”</source>
        <translation>今天没有“{code}”的接种记录</translation>
    </message>
    <message>
        <source>No. {n}: time is up, press F5 to release</source>
        <translation>{n}号：留观时间已到，按 F5 结束留观</translation>
    </message>
    <message>
        <source>No. {n}: {m} more minutes (until {until})</source>
        <translation>{n}号：还需留观 {m} 分钟（至 {until}）</translation>
    </message>
    <message>
        <source>No. {n} has no seat yet: press F2 to seat</source>
        <translation>{n}号还没有座位：按 F2 安排入座</translation>
    </message>
    <message>
        <source>No. {n}: {why}</source>
        <translation>{n}号：{why}</translation>
    </message>
    <message>
        <source>No. {n} may leave</source>
        <translation>{n}号可以离开</translation>
    </message>
    <message>
        <source>No. {n} may not leave yet: {m} more minutes (until {until}). F6 releases early</source>
        <translation>{n}号还不能离开：还需留观 {m} 分钟（至 {until}）。F6 可提前结束</translation>
    </message>
    <message>
        <source>No one is waiting for a seat</source>
        <translation>没有人等候入座</translation>
    </message>
    <message>
        <source>No. {n}</source>
        <translation>{n}号</translation>
    </message>
    <message>
        <source>No. {n}: seat {seat}, observe until {until}</source>
        <translation>{n}号：座位 {seat}，留观至 {until}</translation>
    </message>
    <message>
        <source>Scan the slip or choose a person in the table first</source>
        <translation>请先扫描留观单，或在表格中选择一人</translation>
    </message>
    <message>
        <source>No. {n} released: may leave</source>
        <translation>{n}号留观结束：可以离开</translation>
    </message>
    <message>
        <source>Release early</source>
        <translation>提前结束留观</translation>
    </message>
    <message>
        <source>No. {n} has {m} minutes left.
Reason for releasing early (required):</source>
        <translation>{n}号还需留观 {m} 分钟。
提前结束留观的原因（必填）：</translation>
    </message>
    <message>
        <source>Releasing early needs a reason: nobody was released</source>
        <translation>提前结束留观须填写原因：未结束任何人的留观</translation>
    </message>
    <message>
        <source>No. {n} released early ({m} minutes left)</source>
        <translation>{n}号已提前结束留观（还差 {m} 分钟）</translation>
    </message>
    <message>
        <source>No. {n}: preparing the slip…</source>
        <translation>{n}号：正在准备留观单…</translation>
    </message>
    <message>
        <source>No. {n}: printing the slip…</source>
        <translation>{n}号：正在打印留观单…</translation>
    </message>
    <message>
        <source>No. {n}: slip printed ({printer})</source>
        <translation>{n}号：留观单已打印（{printer}）</translation>
    </message>
    <message>
        <source>No. {n}: handed over to hospital, observation ended. SERIOUS adverse reaction: report it immediately</source>
        <translation>{n}号：已转送医院，留观结束。严重异常反应，请立即报告</translation>
    </message>
    <message>
        <source>No. {n}: SERIOUS adverse reaction: report it immediately</source>
        <translation>{n}号：严重异常反应，请立即报告</translation>
    </message>
    <message>
        <source>No. {n}: adverse reaction recorded</source>
        <translation>{n}号：异常反应已记录</translation>
    </message>
    <message>
        <source>observe until {until}</source>
        <translation>留观至 {until}</translation>
    </message>
</context>
<context>
    <name>Page</name>
    <message>
        <source>{page} is for {roles} staff.

You are logged in as {name} ({id}): {yours}.

Lock the window (F12) and let {roles} staff log in here, or use your own tab.</source>
        <translation>“{page}”页面供{roles}岗位人员使用。

当前登录：{name}（{id}），岗位：{yours}。

请锁定窗口（F12）后由{roles}人员登录，或使用您自己岗位的页面。</translation>
    </message>
</context>
<context>
    <name>PassphraseDialog</name>
    <message>
        <source>Encrypted station</source>
        <translation>加密的接种点</translation>
    </message>
    <message>
        <source>Database passphrase</source>
        <translation>数据库密码</translation>
    </message>
    <message>
        <source>Remember on this computer (the system keyring of this account)</source>
        <translation>在本机记住（存入此账户的系统钥匙串）</translation>
    </message>
    <message>
        <source>This station's records are encrypted</source>
        <translation>本接种点的记录已加密</translation>
    </message>
    <message>
        <source>Enter the database passphrase to open them. Ask the site admin if you do not know it.</source>
        <translation>请输入数据库密码以打开。不知道密码请问现场管理员。</translation>
    </message>
</context>
<context>
    <name>PersonCard</name>
    <message>
        <source>{age} years</source>
        <translation>{age} 岁</translation>
    </message>
    <message>
        <source>male</source>
        <translation>男</translation>
    </message>
    <message>
        <source>female</source>
        <translation>女</translation>
    </message>
</context>
<context>
    <name>PlannerPanel</name>
    <message>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <source>Simulate again</source>
        <translation>重新模拟</translation>
    </message>
    <message>
        <source>Slot</source>
        <translation>时段</translation>
    </message>
    <message>
        <source>Bookings to release</source>
        <translation>放号数</translation>
    </message>
    <message>
        <source>Keep 95% of waits under</source>
        <translation>95% 的人等候不超过</translation>
    </message>
    <message>
        <source>Simulating the site...</source>
        <translation>正在模拟现场……</translation>
    </message>
    <message>
        <source>Advice for tomorrow ({tomorrow}), from the records of {day}</source>
        <translation>明天（{tomorrow}）的安排建议，依据 {day} 的记录</translation>
    </message>
    <message>
        <source>Tomorrow's {n} bookings simulated with that day's desks and seats.</source>
        <translation>按该日的台数和座位模拟明天的 {n} 个预约。</translation>
    </message>
    <message>
        <source>Nobody booked for tomorrow yet: that day's own bookings simulated.</source>
        <translation>明天还没有预约：按该日自己的预约模拟。</translation>
    </message>
    <message>
        <source>Sign-in</source>
        <translation>签到</translation>
    </message>
    <message>
        <source>Pre-screen</source>
        <translation>预检</translation>
    </message>
    <message>
        <source>Injection</source>
        <translation>接种</translation>
    </message>
    <message>
        <source>simulated</source>
        <translation>模拟</translation>
    </message>
    <message>
        <source>recorded</source>
        <translation>记录</translation>
    </message>
    <message>
        <source>Nothing to show</source>
        <translation>暂无数据</translation>
    </message>
    <message>
        <source>Desks: sign-in {signin}, pre-screen {prescreen}, injection {inject}</source>
        <translation>建议台数：签到 {signin} 个，预检 {prescreen} 个，接种 {inject} 个</translation>
    </message>
    <message>
        <source>The target was not reached: the closest plan is shown.</source>
        <translation>未能达到目标，下面是最接近的方案。</translation>
    </message>
    <message>
        <source>Bottleneck: {step}. Slot plan for {people} people, p95 wait under {target} min.</source>
        <translation>瓶颈环节：{step}。{people} 人的放号方案，95% 的人等候不超过 {target} 分钟。</translation>
    </message>
</context>
<context>
    <name>PreScreenPage</name>
    <message>
        <source>Waiting for pre-screen</source>
        <translation>等候预检</translation>
    </message>
    <message>
        <source>Find by ID number (F3)</source>
        <translation>按身份证号查找 (F3)</translation>
    </message>
    <message>
        <source>F3: scan or type the ID number of a signed-in person, then Enter</source>
        <translation>F3：扫描或输入已签到者的身份证号，然后回车</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>排队号</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>身份证号</translation>
    </message>
    <message>
        <source>Enter or double-click takes the person; F2 takes the selected one</source>
        <translation>回车或双击：预检此人；F2：预检选中的人</translation>
    </message>
    <message>
        <source>Next (F2)</source>
        <translation>下一位 (F2)</translation>
    </message>
    <message>
        <source>Dose history</source>
        <translation>接种史</translation>
    </message>
    <message>
        <source>dose </source>
        <translation>剂次 </translation>
    </message>
    <message>
        <source>Add dose</source>
        <translation>补录</translation>
    </message>
    <message>
        <source>Given elsewhere:</source>
        <translation>他处接种：</translation>
    </message>
    <message>
        <source>Vaccine:</source>
        <translation>疫苗：</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>体温</translation>
    </message>
    <message>
        <source>fever from {t} °C · readings {min}-{max} °C</source>
        <translation>≥ {t} °C 为发热 · 读数范围 {min}–{max} °C</translation>
    </message>
    <message>
        <source>Questions (Y = yes, N = no)</source>
        <translation>预检问题（Y = 是，N = 否）</translation>
    </message>
    <message>
        <source>Pass (F5)</source>
        <translation>通过 (F5)</translation>
    </message>
    <message>
        <source>Reason to turn away…</source>
        <translation>劝返原因…</translation>
    </message>
    <message>
        <source>Turn away (F6)</source>
        <translation>劝返 (F6)</translation>
    </message>
    <message>
        <source>Cancel booking (F8)</source>
        <translation>取消预约 (F8)</translation>
    </message>
    <message>
        <source>Correct…</source>
        <translation>更正…</translation>
    </message>
    <message>
        <source>Correct or void your last pre-screen result</source>
        <translation>更正或作废您最近的预检结果</translation>
    </message>
    <message>
        <source>Reason for cancelling (required), then Enter</source>
        <translation>取消原因（必填），然后回车</translation>
    </message>
    <message>
        <source>Cancel the booking (Enter)</source>
        <translation>确认取消预约 (回车)</translation>
    </message>
    <message>
        <source>Keep the booking (Esc)</source>
        <translation>保留预约 (Esc)</translation>
    </message>
    <message>
        <source>Waiting for pre-screen: {n}</source>
        <translation>等候预检：{n}</translation>
    </message>
    <message>
        <source>Queue number {n} {name} was dealt with at another desk</source>
        <translation>{n}号 {name} 已由其他工作台处理</translation>
    </message>
    <message>
        <source>Nobody is waiting for the pre-screen</source>
        <translation>没有人等候预检</translation>
    </message>
    <message>
        <source>Queue number {n}</source>
        <translation>排队号 {n}</translation>
    </message>
    <message>
        <source>Nobody with this ID number is signed in today</source>
        <translation>今天没有这个身份证号的签到记录</translation>
    </message>
    <message>
        <source>Slot {slot}</source>
        <translation>时段 {slot}</translation>
    </message>
    <message>
        <source>Pre-screening queue number {n}: {name}</source>
        <translation>正在预检 {n}号：{name}</translation>
    </message>
    <message>
        <source>Take the next person: F2, or Enter on the queue, or scan the ID (F3)</source>
        <translation>接下一位：按 F2，或在队列中按回车，或扫身份证 (F3)</translation>
    </message>
    <message>
        <source>given here</source>
        <translation>本点接种</translation>
    </message>
    <message>
        <source>declared</source>
        <translation>本人申报</translation>
    </message>
    <message>
        <source>declared now</source>
        <translation>本次申报</translation>
    </message>
    <message>
        <source>No dose recorded: first dose</source>
        <translation>无接种记录：第一剂次</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Too early for the {dose}: earliest {day} ({days} more days). The person will be deferred</source>
        <translation>未到{dose}接种间隔：最早 {day}（还差 {days} 天），应暂缓接种</translation>
    </message>
    <message>
        <source>Not to be vaccinated: {reason}</source>
        <translation>不予接种：{reason}</translation>
    </message>
    <message>
        <source>Due today: {dose} of {product}</source>
        <translation>本次接种：{product}，{dose}</translation>
    </message>
    <message>
        <source>(later than recommended, still give it)</source>
        <translation>（已超过建议间隔，仍应接种）</translation>
    </message>
    <message>
        <source>Dose {n} is already in the history</source>
        <translation>接种史中已有第{n}剂次</translation>
    </message>
    <message>
        <source>The date of a dose given elsewhere cannot be in the future</source>
        <translation>他处接种的日期不能晚于今天</translation>
    </message>
    <message>
        <source>Dose added: it is saved with the pre-screen (F5 / F6)</source>
        <translation>已补录剂次：预检结束时一并保存 (F5 / F6)</translation>
    </message>
    <message>
        <source>Take a person from the queue first (F2)</source>
        <translation>请先从队列中接一位 (F2)</translation>
    </message>
    <message>
        <source>Pick the reason to turn away, then F6 again</source>
        <translation>请选择劝返原因，再按 F6</translation>
    </message>
    <message>
        <source>Queue number {n} {name}: passed. Please go to the injection desk</source>
        <translation>{n}号 {name}：预检通过，请到接种台接种</translation>
    </message>
    <message>
        <source>Note: {notes}</source>
        <translation>提示：{notes}</translation>
    </message>
    <message>
        <source>not to be vaccinated</source>
        <translation>不予接种</translation>
    </message>
    <message>
        <source>defer vaccination, come back later</source>
        <translation>暂缓接种，改日再来</translation>
    </message>
    <message>
        <source>Queue number {n} {name}: turned away ({outcome}): {reasons}</source>
        <translation>{n}号 {name}：劝返（{outcome}）：{reasons}</translation>
    </message>
    <message>
        <source>Pre-screen not finished: no answer to question {n}: {text}</source>
        <translation>预检未完成：第 {n} 题未回答：{text}</translation>
    </message>
    <message>
        <source>Temperature not measured: measure it and type it in first</source>
        <translation>未测体温：请先测温并输入读数</translation>
    </message>
    <message>
        <source>Cancel the booking of queue number {n} {name}? Write the reason</source>
        <translation>取消 {n}号 {name} 的预约？请写明原因</translation>
    </message>
    <message>
        <source>Write the reason for cancelling the booking</source>
        <translation>请写明取消预约的原因</translation>
    </message>
    <message>
        <source>Booking of queue number {n} {name} cancelled</source>
        <translation>已取消 {n}号 {name} 的预约</translation>
    </message>
</context>
<context>
    <name>QuestionRow</name>
    <message>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>No</source>
        <translation>否</translation>
    </message>
    <message>
        <source>Y = yes, N = no (then the next question); Space presses the focused button</source>
        <translation>Y = 是，N = 否（并转到下一题）；空格键按下当前按钮</translation>
    </message>
</context>
<context>
    <name>RecoveryCodeBox</name>
    <message>
        <source>Recovery code of this site's administrators</source>
        <translation>本接种点管理员恢复码</translation>
    </message>
    <message>
        <source>Write it down or print it now and keep it locked away from this laptop: it is shown only this once. When an administrator forgets the PIN, "Forgot PIN?" in the login box takes this code and sets a new PIN; the code is then used up and a new one is shown.</source>
        <translation>请现在抄下或打印，并与本电脑分开妥善保管：恢复码只显示这一次。管理员忘记密码时，在登录框点“忘记密码？”输入此恢复码即可设置新密码；恢复码用过即作废，并显示新的恢复码。</translation>
    </message>
    <message>
        <source>I have written down the recovery code</source>
        <translation>我已抄下恢复码</translation>
    </message>
</context>
<context>
    <name>RecoveryDialog</name>
    <message>
        <source>Forgot PIN: recovery code</source>
        <translation>忘记密码：使用恢复码</translation>
    </message>
    <message>
        <source>Administrator's staff id</source>
        <translation>管理员工号</translation>
    </message>
    <message>
        <source>Recovery code</source>
        <translation>恢复码</translation>
    </message>
    <message>
        <source>New PIN (4-12 digits)</source>
        <translation>新密码（4-12 位数字）</translation>
    </message>
    <message>
        <source>PIN again</source>
        <translation>再次输入密码</translation>
    </message>
    <message>
        <source>The recovery code was shown when this site was set up, to be written down and kept. It sets a new PIN for an administrator; it is then used up and a new one is shown.</source>
        <translation>恢复码在设置本接种点时显示过一次，应已抄下保管。用它可为管理员设置新密码；用过即作废，并显示新的恢复码。</translation>
    </message>
    <message>
        <source>Set the new PIN</source>
        <translation>设置新密码</translation>
    </message>
    <message>
        <source>Write down the recovery code first, then tick the box</source>
        <translation>请先抄下恢复码，再勾选下面的方框</translation>
    </message>
    <message>
        <source>The two PINs differ: type the PIN again</source>
        <translation>两次输入的密码不一致，请重新输入</translation>
    </message>
    <message>
        <source>Log in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>New PIN set for {name}. The old recovery code is used up: write down this new one</source>
        <translation>已为 {name} 设置新密码。原恢复码已作废，请抄下新的恢复码</translation>
    </message>
</context>
<context>
    <name>ReportsPanel</name>
    <message>
        <source>Day report (PDF)</source>
        <translation>当日日报（PDF）</translation>
    </message>
    <message>
        <source>Next 3 days (PDF)</source>
        <translation>未来三天展望（PDF）</translation>
    </message>
    <message>
        <source>Print signs...</source>
        <translation>打印标识...</translation>
    </message>
    <message>
        <source>Save PDF...</source>
        <translation>保存 PDF……</translation>
    </message>
    <message>
        <source>Print...</source>
        <translation>打印……</translation>
    </message>
    <message>
        <source>Today and reports</source>
        <translation>今日与报表</translation>
    </message>
    <message>
        <source>Planner: advice for tomorrow</source>
        <translation>现场模拟：明天的安排建议</translation>
    </message>
    <message>
        <source>Today, {day}</source>
        <translation>今日概况（{day}）</translation>
    </message>
    <message>
        <source>Booked {booked} · signed in {signed_in} · vaccinated {vaccinated} · turned away {turned_away} · cancelled {cancelled} · not come {no_shows} · reactions {reactions}</source>
        <translation>预约 {booked} · 签到 {signed_in} · 接种 {vaccinated} · 劝返 {turned_away} · 取消 {cancelled} · 未到 {no_shows} · 异常反应 {reactions}</translation>
    </message>
    <message>
        <source>Booked for the slot</source>
        <translation>该时段预约</translation>
    </message>
    <message>
        <source>Arrived</source>
        <translation>到达（签到）</translation>
    </message>
    <message>
        <source>Vaccinated</source>
        <translation>已接种</translation>
    </message>
    <message>
        <source>Over-booked</source>
        <translation>放号过多</translation>
    </message>
    <message>
        <source>Nothing recorded today yet</source>
        <translation>今天尚无记录</translation>
    </message>
    <message>
        <source>day-report-{day}.pdf</source>
        <translation>接种点日报-{day}.pdf</translation>
    </message>
    <message>
        <source>outlook-{day}.pdf</source>
        <translation>三日展望-{day}.pdf</translation>
    </message>
    <message>
        <source>signs.pdf</source>
        <translation>现场标识.pdf</translation>
    </message>
    <message>
        <source>Building the PDF...</source>
        <translation>正在生成 PDF……</translation>
    </message>
    <message>
        <source>{n} page(s): save or print it</source>
        <translation>共 {n} 页：可保存或打印</translation>
    </message>
    <message>
        <source>Save PDF</source>
        <translation>保存 PDF</translation>
    </message>
    <message>
        <source>Saved: {path}</source>
        <translation>已保存：{path}</translation>
    </message>
    <message>
        <source>Sent to the printer</source>
        <translation>已发送到打印机</translation>
    </message>
    <message>
        <source>The printer did not start</source>
        <translation>打印机未能启动</translation>
    </message>
</context>
<context>
    <name>Roles</name>
    <message>
        <source>Sign-in</source>
        <translation>签到</translation>
    </message>
    <message>
        <source>Pre-screen</source>
        <translation>预检</translation>
    </message>
    <message>
        <source>Injection</source>
        <translation>接种</translation>
    </message>
    <message>
        <source>Observation</source>
        <translation>留观</translation>
    </message>
    <message>
        <source>Site admin</source>
        <translation>现场管理</translation>
    </message>
    <message>
        <source>Vaccinator</source>
        <translation>接种员</translation>
    </message>
</context>
<context>
    <name>SettingsPanel</name>
    <message>
        <source>Desks</source>
        <translation>工作台</translation>
    </message>
    <message>
        <source>Sign-in queue letter</source>
        <translation>签到排队号字母</translation>
    </message>
    <message>
        <source>A to Z: A001, A002...</source>
        <translation>A 到 Z：A001、A002…</translation>
    </message>
    <message>
        <source>A green health code is required (or a recorded reason)</source>
        <translation>须查验绿码（无绿码须登记原因）</translation>
    </message>
    <message>
        <source>Health codes are not checked</source>
        <translation>不查验健康码</translation>
    </message>
    <message>
        <source>Health code at sign-in</source>
        <translation>签到时的健康码</translation>
    </message>
    <message>
        <source>Observation seats</source>
        <translation>留观座位数</translation>
    </message>
    <message>
        <source>Lock when idle after (minutes)</source>
        <translation>无操作自动锁定（分钟）</translation>
    </message>
    <message>
        <source>Low-stock margin (doses)</source>
        <translation>库存预警余量（剂次）</translation>
    </message>
    <message>
        <source>empty: the site's rule</source>
        <translation>留空：按本点规则</translation>
    </message>
    <message>
        <source>Observation slips</source>
        <translation>留观单</translation>
    </message>
    <message>
        <source>Printer</source>
        <translation>打印机</translation>
    </message>
    <message>
        <source>80 mm receipt roll</source>
        <translation>80 毫米小票纸</translation>
    </message>
    <message>
        <source>A6 sheet</source>
        <translation>A6 纸</translation>
    </message>
    <message>
        <source>Slip paper</source>
        <translation>留观单纸张</translation>
    </message>
    <message>
        <source>Emergency phone (on the slip)</source>
        <translation>急救电话（印在留观单上）</translation>
    </message>
    <message>
        <source>Calling screen</source>
        <translation>叫号屏</translation>
    </message>
    <message>
        <source>Call volume (%)</source>
        <translation>叫号音量（%）</translation>
    </message>
    <message>
        <source>0-100; 0: silent</source>
        <translation>0-100；0 为静音</translation>
    </message>
    <message>
        <source>Times each call is spoken</source>
        <translation>每次叫号播报次数</translation>
    </message>
    <message>
        <source>The site's day</source>
        <translation>现场日常</translation>
    </message>
    <message>
        <source>Opening time (daily checklist due)</source>
        <translation>开门时间（每日检查须在此前完成）</translation>
    </message>
    <message>
        <source>HH:MM; empty: the site's rule</source>
        <translation>时:分；留空：按现场规则</translation>
    </message>
    <message>
        <source>On-line booking page (QR on the signs)</source>
        <translation>网上预约网址（印在标识的二维码上）</translation>
    </message>
    <message>
        <source>https://...; empty: no QR</source>
        <translation>https://...；留空：不印二维码</translation>
    </message>
    <message>
        <source>Staff may correct their own records for (minutes)</source>
        <translation>工作人员可更正自己记录的时限（分钟）</translation>
    </message>
    <message>
        <source>0-1440; after it only the admin</source>
        <translation>0-1440；超过后只有管理员可更正</translation>
    </message>
    <message>
        <source>Refuse records stamped ahead of this clock by (hours)</source>
        <translation>拒收时间比本机时钟快超过（小时）的记录</translation>
    </message>
    <message>
        <source>Hub or server</source>
        <translation>同步主机或服务器</translation>
    </message>
    <message>
        <source>Join or change on the Sync tab</source>
        <translation>在“同步”页加入或更改</translation>
    </message>
    <message>
        <source>Save and apply</source>
        <translation>保存并生效</translation>
    </message>
    <message>
        <source>Undo changes</source>
        <translation>撤销修改</translation>
    </message>
    <message>
        <source>The system's default printer</source>
        <translation>系统默认打印机</translation>
    </message>
    <message>
        <source>{name} (not found on this laptop)</source>
        <translation>{name}（本机未找到）</translation>
    </message>
    <message>
        <source>Joined to {url}</source>
        <translation>已加入 {url}</translation>
    </message>
    <message>
        <source>Not joined: this laptop works alone</source>
        <translation>未加入：本机单独工作</translation>
    </message>
    <message>
        <source>Call voice: {engine}</source>
        <translation>叫号语音：{engine}</translation>
    </message>
    <message>
        <source>Call voice not available: {reason}</source>
        <translation>叫号语音不可用：{reason}</translation>
    </message>
    <message>
        <source>Not saved: correct the marked values first. {reasons}</source>
        <translation>未保存：请先改正标红的项目。{reasons}</translation>
    </message>
    <message>
        <source>Settings saved and in force</source>
        <translation>设置已保存并生效</translation>
    </message>
    <message>
        <source>Settings in force for this run (this station has no settings file)</source>
        <translation>设置本次运行有效（本工作站没有设置文件）</translation>
    </message>
</context>
<context>
    <name>SignInPage</name>
    <message>
        <source>Scan the code or type the ID number, then Enter</source>
        <translation>扫码或输入身份证号，然后回车</translation>
    </message>
    <message>
        <source>The camera to scan with</source>
        <translation>扫码用的摄像头</translation>
    </message>
    <message>
        <source>Camera (F9)</source>
        <translation>摄像头 (F9)</translation>
    </message>
    <message>
        <source>Sign in (Enter)</source>
        <translation>签到 (回车)</translation>
    </message>
    <message>
        <source>Walk-in registration (no booking today)</source>
        <translation>现场登记（今日无预约）</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Document</source>
        <translation>证件类型</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>证件号码</translation>
    </message>
    <message>
        <source>Mobile</source>
        <translation>手机号</translation>
    </message>
    <message>
        <source>Employer / unit</source>
        <translation>工作单位</translation>
    </message>
    <message>
        <source>Queue number</source>
        <translation>排队号</translation>
    </message>
    <message>
        <source>Sign-in</source>
        <translation>签到</translation>
    </message>
    <message>
        <source>Resident ID card</source>
        <translation>居民身份证</translation>
    </message>
    <message>
        <source>Passport</source>
        <translation>护照</translation>
    </message>
    <message>
        <source>Hong Kong/Macao permit</source>
        <translation>港澳居民来往内地通行证</translation>
    </message>
    <message>
        <source>Taiwan permit</source>
        <translation>台湾居民来往大陆通行证</translation>
    </message>
    <message>
        <source>Foreigner's permanent residence ID</source>
        <translation>外国人永久居留身份证</translation>
    </message>
    <message>
        <source>Other document</source>
        <translation>其他证件</translation>
    </message>
    <message>
        <source>Camera {n}</source>
        <translation>摄像头 {n}</translation>
    </message>
    <message>
        <source>Demo pictures (no camera)</source>
        <translation>演示图片（无摄像头）</translation>
    </message>
    <message>
        <source>This is the exit code of an observation slip: scan it at the observation exit</source>
        <translation>这是留观单上的离场码，请到留观区出口扫码</translation>
    </message>
    <message>
        <source>Health code read by the scanner gun, which cannot see its colour: look at the phone. Green: scan the booking QR or ID card</source>
        <translation>扫码枪看不出健康码的颜色，请查看对方手机：绿码再扫预约码或身份证</translation>
    </message>
    <message>
        <source>Health code green: press Enter to sign in</source>
        <translation>健康码为绿码：按回车签到</translation>
    </message>
    <message>
        <source>Health code green: now scan the booking QR or ID card</source>
        <translation>健康码为绿码：请扫预约码或身份证</translation>
    </message>
    <message>
        <source>Booking found: check the ID card, then press Enter</source>
        <translation>已找到预约：请核对身份证，然后按回车</translation>
    </message>
    <message>
        <source>Queue number {n}</source>
        <translation>排队号 {n}</translation>
    </message>
    <message>
        <source>Slot {slot}</source>
        <translation>时段 {slot}</translation>
    </message>
    <message>
        <source>Series complete</source>
        <translation>已完成全程接种</translation>
    </message>
    <message>
        <source>Due: dose {n}</source>
        <translation>本次：第{n}剂次</translation>
    </message>
    <message>
        <source> (booster)</source>
        <translation>（加强针）</translation>
    </message>
    <message>
        <source>Booking {no} is not in this station's list: register as a walk-in</source>
        <translation>本接种点名单中没有预约 {no}：请现场登记</translation>
    </message>
    <message>
        <source>No booking today: register as a walk-in</source>
        <translation>今日无预约：请现场登记</translation>
    </message>
    <message>
        <source>Signed in: queue number {n}. Please go to pre-screen</source>
        <translation>签到成功：排队号 {n}。请到预检台预检</translation>
    </message>
    <message>
        <source>Pick or type the reason</source>
        <translation>选择或填写原因</translation>
    </message>
    <message>
        <source>No green health code seen, because:</source>
        <translation>未查验到绿码，原因：</translation>
    </message>
    <message>
        <source>Register and sign in (Enter)</source>
        <translation>登记并签到（回车）</translation>
    </message>
    <message>
        <source>No smartphone (elderly person, child)</source>
        <translation>没有智能手机（老人、儿童）</translation>
    </message>
    <message>
        <source>Health code cannot be opened (network or app down)</source>
        <translation>健康码打不开（网络或系统故障）</translation>
    </message>
    <message>
        <source>Paper health certificate checked</source>
        <translation>已查验纸质健康证明</translation>
    </message>
    <message>
        <source>Already signed in: queue number {n}</source>
        <translation>已签到，排队号 {n}</translation>
    </message>
    <message>
        <source>Health code green: fill in the registration, then press Enter</source>
        <translation>健康码为绿码：填好登记信息后按回车</translation>
    </message>
    <message>
        <source>Booking found: check the ID card and scan the health code (or give the reason there is none), then press Enter</source>
        <translation>已找到预约：请核对身份证，扫健康码（或填写未出示的原因），然后按回车</translation>
    </message>
    <message>
        <source>Scan the health code, or give the reason there is none</source>
        <translation>请扫健康码，或填写未出示的原因</translation>
    </message>
    <message>
        <source>Without a green health code: {reason}</source>
        <translation>未查验绿码：{reason}</translation>
    </message>
    <message>
        <source>Camera: {text}</source>
        <translation>摄像头：{text}</translation>
    </message>
</context>
<context>
    <name>SlipPrinter</name>
    <message>
        <source>The printer “{name}” was not found</source>
        <translation>找不到打印机“{name}”</translation>
    </message>
    <message>
        <source>No printer is set up on this computer</source>
        <translation>本机没有设置打印机</translation>
    </message>
    <message>
        <source>No. {n}: the slip's copy was not saved: {why}</source>
        <translation>{n}号：留观单副本未保存：{why}</translation>
    </message>
    <message>
        <source>the slip was saved as {path}</source>
        <translation>留观单已保存为 {path}</translation>
    </message>
    <message>
        <source>the slip was not saved either</source>
        <translation>留观单也未能保存</translation>
    </message>
    <message>
        <source>No. {n}: not printed: {problem}; {where}</source>
        <translation>{n}号：未打印：{problem}；{where}</translation>
    </message>
    <message>
        <source>no printer</source>
        <translation>没有打印机</translation>
    </message>
    <message>
        <source>Observation slip {n}</source>
        <translation>留观单 {n}</translation>
    </message>
    <message>
        <source>No. {n}: the printer “{name}” could not start printing</source>
        <translation>{n}号：打印机“{name}”无法开始打印</translation>
    </message>
    <message>
        <source>Print preview: observation slip</source>
        <translation>打印预览：留观单</translation>
    </message>
    <message>
        <source>The slip could not be printed: {why}</source>
        <translation>留观单无法打印：{why}</translation>
    </message>
</context>
<context>
    <name>Speaker</name>
    <message>
        <source>the speech program could not be started</source>
        <translation>无法启动语音程序</translation>
    </message>
    <message>
        <source>turned off (STATION_VOICE=off)</source>
        <translation>已关闭（STATION_VOICE=off）</translation>
    </message>
    <message>
        <source>Windows PowerShell was not found</source>
        <translation>未找到 Windows PowerShell</translation>
    </message>
    <message>
        <source>espeak-ng is not installed (apt-get install espeak-ng)</source>
        <translation>未安装 espeak-ng（apt-get install espeak-ng）</translation>
    </message>
    <message>
        <source>espeak-ng has no Mandarin voice (cmn)</source>
        <translation>espeak-ng 没有普通话语音（cmn）</translation>
    </message>
    <message>
        <source>espeak-ng has no English voice</source>
        <translation>espeak-ng 没有英语语音</translation>
    </message>
</context>
<context>
    <name>StockPanel</name>
    <message>
        <source>Read only: receiving, counting and deciding on held lots are for the site admin (receive_stock).</source>
        <translation>只读：入库、盘点和处理暂停使用的批号由站点管理员操作（需“入库”权限）。</translation>
    </message>
    <message>
        <source>Receiving (F6)</source>
        <translation>入库 (F6)</translation>
    </message>
    <message>
        <source>Stock (F7)</source>
        <translation>库存 (F7)</translation>
    </message>
    <message>
        <source>Cold chain (F8)</source>
        <translation>冷链 (F8)</translation>
    </message>
    <message>
        <source>Count (F9)</source>
        <translation>盘点 (F9)</translation>
    </message>
    <message>
        <source>Scan the carton's code (GS1 DataMatrix or 20-digit traceability code), then Enter</source>
        <translation>扫描包装上的码（GS1 数据矩阵码或20位药品追溯码），然后回车</translation>
    </message>
    <message>
        <source>No code scanned: type the delivery below, or scan a carton.</source>
        <translation>未扫码：可在下方手工填写入库信息，或扫描包装上的码。</translation>
    </message>
    <message>
        <source>(choose the vaccine)</source>
        <translation>（请选择疫苗）</translation>
    </message>
    <message>
        <source>as printed on the carton</source>
        <translation>按包装上印的填写</translation>
    </message>
    <message>
        <source>YYYY-MM-DD</source>
        <translation>年-月-日，如 2027-06-30</translation>
    </message>
    <message>
        <source>number on the delivery note</source>
        <translation>配送单上的单号</translation>
    </message>
    <message>
        <source>Vaccine</source>
        <translation>疫苗</translation>
    </message>
    <message>
        <source>Manufacturer</source>
        <translation>生产企业</translation>
    </message>
    <message>
        <source>Lot number</source>
        <translation>批号</translation>
    </message>
    <message>
        <source>Expiry date</source>
        <translation>有效期至</translation>
    </message>
    <message>
        <source>Doses per vial</source>
        <translation>每瓶剂数</translation>
    </message>
    <message>
        <source>Vials</source>
        <translation>瓶数</translation>
    </message>
    <message>
        <source>Delivery note</source>
        <translation>配送单号</translation>
    </message>
    <message>
        <source>Goes into</source>
        <translation>存放于</translation>
    </message>
    <message>
        <source>Receive (F5)</source>
        <translation>确认入库 (F5)</translation>
    </message>
    <message>
        <source>Clear the form</source>
        <translation>清空表单</translation>
    </message>
    <message>
        <source>Received by</source>
        <translation>入库人</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Lot</source>
        <translation>批号</translation>
    </message>
    <message>
        <source>Doses</source>
        <translation>剂数</translation>
    </message>
    <message>
        <source>Carton code</source>
        <translation>包装码</translation>
    </message>
    <message>
        <source>Fridge</source>
        <translation>冷藏设备</translation>
    </message>
    <message>
        <source>Received today</source>
        <translation>今日入库</translation>
    </message>
    <message>
        <source>GS1 code: {vaccine}, GTIN {gtin}, lot {lot}, expiry {expiry}, serial {serial}</source>
        <translation>GS1 码：{vaccine}，商品码 {gtin}，批号 {lot}，有效期至 {expiry}，序列号 {serial}</translation>
    </message>
    <message>
        <source>Code read: check the vials and the delivery note, then Receive (F5)</source>
        <translation>已读码：请核对瓶数和配送单号，然后按 F5 确认入库</translation>
    </message>
    <message>
        <source>Traceability code: {vaccine}, product code {product_code}, serial {serial}</source>
        <translation>药品追溯码：{vaccine}，药品标识码 {product_code}，序列号 {serial}</translation>
    </message>
    <message>
        <source>Code read: this code carries no lot or expiry, type them from the carton</source>
        <translation>已读码：追溯码不含批号和有效期，请按包装填写</translation>
    </message>
    <message>
        <source>The expiry date {text} is not a date: type it as YYYY-MM-DD</source>
        <translation>有效期 {text} 不是有效日期：请按“年-月-日”填写，如 2027-06-30</translation>
    </message>
    <message>
        <source>Received lot {lot}: {vials} vials, {doses} doses of {vaccine}. The lot now has {left} doses left.</source>
        <translation>已入库：批号 {lot}，{vaccine} {vials} 瓶、{doses} 剂。该批号现余 {left} 剂。</translation>
    </message>
    <message>
        <source>{code} (received twice: not counted)</source>
        <translation>{code}（重复入库：不计数）</translation>
    </message>
    <message>
        <source>Received today: {n} receipts, {vials} vials</source>
        <translation>今日入库 {n} 笔，共 {vials} 瓶</translation>
    </message>
    <message>
        <source>Expiry</source>
        <translation>有效期至</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>入库</translation>
    </message>
    <message>
        <source>Used</source>
        <translation>已接种</translation>
    </message>
    <message>
        <source>Wasted</source>
        <translation>损耗</translation>
    </message>
    <message>
        <source>Left</source>
        <translation>剩余</translation>
    </message>
    <message>
        <source>Vials in the fridge</source>
        <translation>冷藏未开瓶数</translation>
    </message>
    <message>
        <source>Doses per lot: received - used - wasted = left</source>
        <translation>各批号剂数：入库 - 已接种 - 损耗 = 剩余</translation>
    </message>
    <message>
        <source>Overdrawn: more opened than received, check</source>
        <translation>超领：开瓶数多于入库数，请核查</translation>
    </message>
    <message>
        <source>Quarantined: {reason}</source>
        <translation>已隔离停用：{reason}</translation>
    </message>
    <message>
        <source>Held after a cold excursion: {why}</source>
        <translation>冷链超温，暂停使用：{why}</translation>
    </message>
    <message>
        <source>Expired</source>
        <translation>已过期</translation>
    </message>
    <message>
        <source>Used up</source>
        <translation>已用完</translation>
    </message>
    <message>
        <source>In use</source>
        <translation>在用</translation>
    </message>
    <message>
        <source>{fridge} {celsius} at {time}</source>
        <translation>{fridge} {time} {celsius}</translation>
    </message>
    <message>
        <source>{vaccine}: all lots</source>
        <translation>{vaccine}：合计</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>总计</translation>
    </message>
    <message>
        <source>Latest</source>
        <translation>最近一次</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>From</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>By</source>
        <translation>记录人</translation>
    </message>
    <message>
        <source>Readings today</source>
        <translation>今日温度记录</translation>
    </message>
    <message>
        <source>Record a reading</source>
        <translation>记录温度</translation>
    </message>
    <message>
        <source>now, or HH:MM</source>
        <translation>现在，或 时:分</translation>
    </message>
    <message>
        <source>°C, e.g. 4.6</source>
        <translation>°C，如 4.6</translation>
    </message>
    <message>
        <source>Record reading (F5)</source>
        <translation>记录温度 (F5)</translation>
    </message>
    <message>
        <source>Import logger CSV (F4)</source>
        <translation>导入温度记录仪 CSV (F4)</translation>
    </message>
    <message>
        <source>Lots held after an excursion: use or quarantine</source>
        <translation>超温暂停使用的批号：继续使用或隔离停用</translation>
    </message>
    <message>
        <source>Held because</source>
        <translation>暂停原因</translation>
    </message>
    <message>
        <source>Doses left</source>
        <translation>剩余剂数</translation>
    </message>
    <message>
        <source>Why (required): what was checked</source>
        <translation>处理理由（必填）：核查了什么</translation>
    </message>
    <message>
        <source>Use it (F2)</source>
        <translation>继续使用 (F2)</translation>
    </message>
    <message>
        <source>Quarantine (F3)</source>
        <translation>隔离停用 (F3)</translation>
    </message>
    <message>
        <source>no lot with doses left was in it</source>
        <translation>其中没有尚有余量的批号</translation>
    </message>
    <message>
        <source>held for your decision: {lots}</source>
        <translation>以下批号暂停使用，待您处理：{lots}</translation>
    </message>
    <message>
        <source>Type the temperature in °C, e.g. 4.6</source>
        <translation>请输入温度（°C），如 4.6</translation>
    </message>
    <message>
        <source>Type the time as HH:MM, or leave it empty for now</source>
        <translation>时间请按“时:分”填写，留空表示现在</translation>
    </message>
    <message>
        <source>{fridge}: {celsius} °C at {time} recorded</source>
        <translation>已记录：{fridge} {time} {celsius} °C</translation>
    </message>
    <message>
        <source>{reading}, outside {range} °C: {held}</source>
        <translation>{reading}，超出 {range} °C：{held}</translation>
    </message>
    <message>
        <source>The temperature logger's CSV export</source>
        <translation>温度记录仪导出的 CSV 文件</translation>
    </message>
    <message>
        <source>CSV files (*.csv *.txt);;All files (*)</source>
        <translation>CSV 文件 (*.csv *.txt);;所有文件 (*)</translation>
    </message>
    <message>
        <source>{fridge}: {read} readings read from {file}, {new} new, {outside} outside {range} °C</source>
        <translation>{fridge}：从 {file} 读取 {read} 条温度记录，新增 {new} 条，超出 {range} °C 的 {outside} 条</translation>
    </message>
    <message>
        <source>{imported}; {held}</source>
        <translation>{imported}；{held}</translation>
    </message>
    <message>
        <source>No lot is held: nothing to decide</source>
        <translation>没有暂停使用的批号，无需处理</translation>
    </message>
    <message>
        <source>Choose the lot in the table first</source>
        <translation>请先在表中选择批号</translation>
    </message>
    <message>
        <source>Lot {lot} is back in use: your reason is recorded</source>
        <translation>批号 {lot} 恢复使用：处理理由已记录</translation>
    </message>
    <message>
        <source>Lot {lot} is quarantined: it will not be used again</source>
        <translation>批号 {lot} 已隔离停用，不再使用</translation>
    </message>
    <message>
        <source>Readings due today ({range} °C)</source>
        <translation>今日应记录温度（{range} °C）</translation>
    </message>
    <message>
        <source>Readings today ({range} °C)</source>
        <translation>今日温度（{range} °C）</translation>
    </message>
    <message>
        <source>later</source>
        <translation>未到时间</translation>
    </message>
    <message>
        <source>due now</source>
        <translation>现在应记录</translation>
    </message>
    <message>
        <source>missing</source>
        <translation>漏记</translation>
    </message>
    <message>
        <source>{celsius}: outside {range} °C</source>
        <translation>{celsius}：超出 {range} °C</translation>
    </message>
    <message>
        <source>logger</source>
        <translation>记录仪</translation>
    </message>
    <message>
        <source>typed</source>
        <translation>手工录入</translation>
    </message>
    <message>
        <source>Readings today: {n}, {outside} outside {range} °C</source>
        <translation>今日温度记录 {n} 条，超出 {range} °C 的 {outside} 条</translation>
    </message>
    <message>
        <source>Record count (F5)</source>
        <translation>记录盘点 (F5)</translation>
    </message>
    <message>
        <source>Count the vials in the fridge and the doses left (open vials included). Where the doses differ from the expected, say why.</source>
        <translation>清点冷藏设备中的瓶数和剩余剂数（含已开瓶的）。剂数与应有数不符的，请写明原因。</translation>
    </message>
    <message>
        <source>Expected doses</source>
        <translation>应有剂数</translation>
    </message>
    <message>
        <source>Counted vials</source>
        <translation>实点瓶数</translation>
    </message>
    <message>
        <source>Counted doses</source>
        <translation>实点剂数</translation>
    </message>
    <message>
        <source>Difference</source>
        <translation>差异</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Counts recorded today</source>
        <translation>今日盘点记录</translation>
    </message>
    <message>
        <source>Open at desks</source>
        <translation>接种台已开瓶</translation>
    </message>
    <message>
        <source>Reason (if different)</source>
        <translation>原因（有差异时必填）</translation>
    </message>
    <message>
        <source>No lot received yet: nothing to count</source>
        <translation>尚无入库批号，无需盘点</translation>
    </message>
    <message>
        <source>vials</source>
        <translation>瓶</translation>
    </message>
    <message>
        <source>doses</source>
        <translation>剂</translation>
    </message>
    <message>
        <source>required: why they differ</source>
        <translation>必填：差异原因</translation>
    </message>
    <message>
        <source>Lot {lot}: type the vials and the doses counted, as whole numbers</source>
        <translation>批号 {lot}：请填写实点瓶数和剂数（整数）</translation>
    </message>
    <message>
        <source>Type the vials and doses counted for at least one lot</source>
        <translation>请至少为一个批号填写实点瓶数和剂数</translation>
    </message>
    <message>
        <source>Count recorded for {n} lots; differences: {list}</source>
        <translation>已记录 {n} 个批号的盘点；有差异：{list}</translation>
    </message>
    <message>
        <source>{lot} {difference} doses</source>
        <translation>{lot} {difference} 剂</translation>
    </message>
    <message>
        <source>Count recorded for {n} lots: everything matches</source>
        <translation>已记录 {n} 个批号的盘点：全部相符</translation>
    </message>
</context>
<context>
    <name>SyncPanel</name>
    <message>
        <source>Sync state</source>
        <translation>同步状态</translation>
    </message>
    <message>
        <source>Now</source>
        <translation>当前</translation>
    </message>
    <message>
        <source>Hub</source>
        <translation>现场主机</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>Held back</source>
        <translation>暂不接收</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <source>Join the site's hub</source>
        <translation>加入现场主机</translation>
    </message>
    <message>
        <source>On the hub: station-server enroll --site SITE prints a one-time code and its QR. Pick the hub found on the network (or type its address), then type or scan the code.</source>
        <translation>在现场主机上运行 station-server enroll --site 现场名 生成一次性加入码及其二维码。选择网络中找到的主机（或输入其地址），然后输入或扫描加入码。</translation>
    </message>
    <message>
        <source>Find hubs on the network</source>
        <translation>查找网络中的主机</translation>
    </message>
    <message>
        <source>ABCD-EFGH-JKLM, or scan the code's QR</source>
        <translation>ABCD-EFGH-JKLM，或扫描加入码二维码</translation>
    </message>
    <message>
        <source>Hub address</source>
        <translation>主机地址</translation>
    </message>
    <message>
        <source>Enrollment code</source>
        <translation>加入码</translation>
    </message>
    <message>
        <source>Join</source>
        <translation>加入</translation>
    </message>
    <message>
        <source>{url} · site {site} · server {server}</source>
        <translation>{url} · 现场 {site} · 服务器 {server}</translation>
    </message>
    <message>
        <source>Not joined: this laptop works alone</source>
        <translation>未加入：本机单独工作</translation>
    </message>
    <message>
        <source>Station {station} · recorded here {local} · acknowledged by the hub {acked} · refused by the hub {rejected} · last error: {error}</source>
        <translation>站点 {station} · 本机记录 {local} 条 · 主机已确认 {acked} 条 · 主机拒收 {rejected} 条 · 最近错误：{error}</translation>
    </message>
    <message>
        <source>Laptop {origin}: its record {seq} is stamped {stamp}, {hours} hours ahead of this laptop's clock; {count} records held back. Check that laptop's date and time.</source>
        <translation>电脑 {origin}：其第 {seq} 条记录时间为 {stamp}，比本机时钟快 {hours} 小时；共 {count} 条记录暂不接收。请检查该电脑的日期和时间。</translation>
    </message>
    <message>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Looking for hubs on the network...</source>
        <translation>正在查找网络中的主机……</translation>
    </message>
    <message>
        <source>{n} hub(s) found</source>
        <translation>找到 {n} 台主机</translation>
    </message>
    <message>
        <source>No hub found on the network: type its address</source>
        <translation>网络中没有找到主机：请输入主机地址</translation>
    </message>
    <message>
        <source>Only a site admin may join this laptop to a hub</source>
        <translation>只有现场管理员可以让本机加入主机</translation>
    </message>
    <message>
        <source>Type or scan the enrollment code</source>
        <translation>请输入或扫描加入码</translation>
    </message>
    <message>
        <source>Joining...</source>
        <translation>正在加入……</translation>
    </message>
    <message>
        <source>Joined {url} (site {site})</source>
        <translation>已加入 {url}（现场 {site}）</translation>
    </message>
    <message>
        <source>Syncing...</source>
        <translation>正在同步……</translation>
    </message>
    <message>
        <source>Does the district hold everything recorded here?</source>
        <translation>区级服务器是否已收到本机全部记录？</translation>
    </message>
    <message>
        <source>Check now</source>
        <translation>立即核对</translation>
    </message>
    <message>
        <source>Close the day</source>
        <translation>日终关账</translation>
    </message>
    <message>
        <source>The day's export file (station export --day D --out FILE)</source>
        <translation>当天的导出文件（station export --day D --out FILE）</translation>
    </message>
    <message>
        <source>Close the day offline with this file</source>
        <translation>以此文件离线关账</translation>
    </message>
    <message>
        <source>Held</source>
        <translation>已收到</translation>
    </message>
    <message>
        <source>Missing</source>
        <translation>缺少</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <source>Export file</source>
        <translation>导出文件</translation>
    </message>
    <message>
        <source>Not checked yet: press Check now</source>
        <translation>尚未核对：请按“立即核对”</translation>
    </message>
    <message>
        <source>The district</source>
        <translation>区级服务器</translation>
    </message>
    <message>
        <source>The server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <source>{who} holds everything recorded here up to {until} (checked at {checked})</source>
        <translation>{who}已收到本机截至 {until} 的全部记录（核对于 {checked}）</translation>
    </message>
    <message>
        <source>The district has not confirmed now; at {at} it acknowledged everything up to {until} (checked at {checked})</source>
        <translation>区级服务器暂未确认；{at} 时已确认截至 {until} 的全部记录（核对于 {checked}）</translation>
    </message>
    <message>
        <source>The district has not confirmed (checked at {checked})</source>
        <translation>区级服务器尚未确认（核对于 {checked}）</translation>
    </message>
    <message>
        <source>{who} lacks {n} records held here; complete up to {until} (checked at {checked})</source>
        <translation>{who}缺少本机 {n} 条记录；截至 {until} 的记录完整（核对于 {checked}）</translation>
    </message>
    <message>
        <source>{who} lacks {n} records held here (checked at {checked})</source>
        <translation>{who}缺少本机 {n} 条记录（核对于 {checked}）</translation>
    </message>
    <message>
        <source>The hub holds everything recorded here</source>
        <translation>现场主机已收到本机全部记录</translation>
    </message>
    <message>
        <source>The hub lacks {n} records held here</source>
        <translation>现场主机缺少本机 {n} 条记录</translation>
    </message>
    <message>
        <source>Laptop {origin}: seq {ranges} ({n} records)</source>
        <translation>电脑 {origin}：序号 {ranges}（{n} 条记录）</translation>
    </message>
    <message>
        <source>Laptop {origin}: seq {ranges} differ from the server's copy</source>
        <translation>电脑 {origin}：序号 {ranges} 与服务器副本不一致</translation>
    </message>
    <message>
        <source>{day}: not closed</source>
        <translation>{day}：未关账</translation>
    </message>
    <message>
        <source>{day}: closed as synced at {at} by {staff}</source>
        <translation>{day}：已于 {at} 由 {staff} 按已同步关账</translation>
    </message>
    <message>
        <source>{day}: closed offline at {at} by {staff} (export file sha256 {sha})</source>
        <translation>{day}：已于 {at} 由 {staff} 离线关账（导出文件 sha256 {sha}）</translation>
    </message>
    <message>
        <source>Checking with the server...</source>
        <translation>正在与服务器核对……</translation>
    </message>
    <message>
        <source>Only a site admin may close the day</source>
        <translation>只有现场管理员可以关账</translation>
    </message>
    <message>
        <source>The day is closed: everything recorded here is held</source>
        <translation>已关账：本机全部记录均已送达</translation>
    </message>
    <message>
        <source>The day is closed offline; export file sha256 {sha}</source>
        <translation>已离线关账；导出文件 sha256 {sha}</translation>
    </message>
</context>
<context>
    <name>SyncState</name>
    <message>
        <source>Sync: not set up (this laptop works alone)</source>
        <translation>同步：未设置（本机单独工作）</translation>
    </message>
    <message>
        <source>Sync stopped: {reason} · {n} waiting</source>
        <translation>同步已停止：{reason} · 待发送 {n} 条</translation>
    </message>
    <message>
        <source>Offline since {time} · {n} waiting</source>
        <translation>离线（自 {time}）· 待发送 {n} 条</translation>
    </message>
    <message>
        <source>Sync: connecting · {n} waiting</source>
        <translation>同步：正在连接 · 待发送 {n} 条</translation>
    </message>
    <message>
        <source>Synced {s} s ago · {n} waiting</source>
        <translation>{s} 秒前已同步 · 待发送 {n} 条</translation>
    </message>
    <message>
        <source>Synced {s} s ago</source>
        <translation>{s} 秒前已同步</translation>
    </message>
</context>
<context>
    <name>TemperatureBox</name>
    <message>
        <source>not measured</source>
        <translation>未测</translation>
    </message>
    <message>
        <source>Type the reading, e.g. 36.5 or 365, then Enter ({min}-{max} °C)</source>
        <translation>输入读数，如 36.5 或 365，然后回车（{min}–{max} °C）</translation>
    </message>
</context>
</TS>
