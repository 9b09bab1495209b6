// A synthetic but plausible mailbox for the search bench: Chinese and English office mail with
// word frequencies following Zipf's law, a few GB18030 bodies, attachments on one in five, and
// marker words at known frequencies so the queries' hit counts are known. Deterministic (seeded).
import iconv from '../../packages/server/node_modules/iconv-lite/lib/index.js';

/** A small fast PRNG (mulberry32): the same mailbox on every run and engine. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ZH = (
  '我们 你们 公司 部门 项目 会议 通知 报告 季度 销售 客户 合同 采购 发票 财务 预算 审批 领导 同事 时间 地点 ' +
  '安排 计划 进度 问题 方案 讨论 确认 回复 附件 请查收 谢谢 感谢 支持 配合 工作 总结 下周 本周 明天 今天 上午 ' +
  '下午 北京 上海 深圳 广州 杭州 系统 上线 测试 版本 需求 开发 设计 产品 市场 运营 数据 分析 增长 用户 服务 ' +
  '培训 考勤 请假 报销 差旅 酒店 机票 年会 活动 邀请 参加 准时 注意 事项 更新 变更 流程 规定 制度 文件 资料 ' +
  '提交 截止 日期 负责人 联系 电话 邮件 地址 价格 报价 订单 发货 物流 库存 质量 检查 验收 付款 增值税 专用 ' +
  '的 了 在 是 和 与 及 对 将 已 请 于 前 后 中 为 按 从 到 把 被 让 给 也 都 还 就 并 或'
).split(' ');
const EN = (
  'the of and to in for is on that with as be at this by from are we will please meeting project report ' +
  'team customer contract invoice budget review update schedule plan next week today tomorrow office ' +
  'quarter sales growth data analysis release version test design product market service training leave ' +
  'travel hotel flight event invite attend notice change process policy document submit deadline contact ' +
  'phone address price quote order shipping stock quality payment approve thanks regards hello dear best'
).split(' ');
const NAMES = [
  '张伟',
  '王芳',
  '李娜',
  '刘洋',
  '陈静',
  '杨磊',
  'Alice Chen',
  'Bob Smith',
  'Carol Wu',
  'David Lee',
];
const FILES = [
  '合同',
  '报价单',
  '发票',
  'report',
  'budget',
  '会议纪要',
  'invoice',
  'slides',
  '采购清单',
  'photo',
];
const EXTS = ['pdf', 'docx', 'xlsx', 'pptx', 'zip', 'jpg'];

/** Zipf-like pick: index i drawn with weight 1/(i+1). */
function zipf(list: readonly string[], r: () => number): string {
  // Inverse of the harmonic CDF, approximated by an exponential of a uniform draw.
  const i = Math.floor(Math.exp(r() * Math.log(list.length + 1))) - 1;
  return list[Math.min(list.length - 1, Math.max(0, i))] as string;
}

function sentence(r: () => number, chinese: boolean, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(zipf(chinese ? ZH : EN, r));
  return chinese ? `${out.join('')}。` : `${out.join(' ')}.`;
}

/** Marker words and how often they occur, for queries with a known answer. */
export const MARKERS = { rare: 'zebrafish', rareZh: '翡翠', every1000: 'quokka' } as const;

export interface SyntheticMessage {
  raw: Buffer;
  subject: string;
  fromName: string;
  fromAddress: string;
  internalDate: number;
  hasAttachments: boolean;
  flagged: boolean;
  seen: boolean;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** The `i`th message of the mailbox (dates a minute apart, newest last). */
export function message(i: number, start: number): SyntheticMessage {
  const r = rng(i + 1);
  const chinese = r() < 0.7;
  const subject = sentence(r, chinese, 3 + Math.floor(r() * 6)).replace(/[。.]$/, '');
  const paragraphs: string[] = [];
  const n = 2 + Math.floor(r() * 8);
  for (let p = 0; p < n; p++)
    paragraphs.push(sentence(r, r() < (chinese ? 0.85 : 0.1), 8 + Math.floor(r() * 30)));
  if (i % 10_000 === 7) paragraphs.push(MARKERS.rare); // 10 messages in 100,000
  if (i % 10_000 === 9) paragraphs.push(`绿色${MARKERS.rareZh}手镯`);
  if (i % 1000 === 3) paragraphs.push(MARKERS.every1000);
  const body = paragraphs.join('\n');
  const fromName = NAMES[Math.floor(r() * NAMES.length)] as string;
  const fromAddress = `user${Math.floor(r() * 50)}@partner${Math.floor(r() * 5)}.test`;
  const gb = chinese && r() < 0.15;
  const charset = gb ? 'GB18030' : 'utf-8';
  const text = (gb ? iconv.encode(body, 'gb18030') : Buffer.from(body))
    .toString('base64')
    .replace(/.{76}/g, '$&\r\n');
  const attach = r() < 0.2 ? `${zipf(FILES, r)}${i % 97}.${EXTS[i % EXTS.length]}` : null;
  const head =
    `From: =?utf-8?B?${b64(fromName)}?= <${fromAddress}>\r\nTo: mei@bench.test\r\n` +
    `Subject: =?utf-8?B?${b64(subject)}?=\r\nMessage-ID: <${i}@bench.test>\r\nMIME-Version: 1.0\r\n`;
  const textPart = `Content-Type: text/plain; charset=${charset}\r\nContent-Transfer-Encoding: base64\r\n\r\n${text}\r\n`;
  const raw = attach
    ? `${head}Content-Type: multipart/mixed; boundary=bb\r\n\r\n--bb\r\n${textPart}--bb\r\n` +
      `Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename*=UTF-8''${encodeURIComponent(attach)}\r\n` +
      `Content-Transfer-Encoding: base64\r\n\r\n${'QUJD'.repeat(200)}\r\n--bb--\r\n`
    : head + textPart;
  return {
    raw: Buffer.from(raw),
    subject,
    fromName,
    fromAddress,
    internalDate: start + i * 60_000,
    hasAttachments: attach !== null,
    flagged: r() < 0.02,
    seen: r() < 0.8,
  };
}
