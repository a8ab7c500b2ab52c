import { readdirSync, readFileSync } from 'node:fs';
import Handlebars from 'handlebars';

const folder = new URL('./templates/', import.meta.url);
const hbs = Handlebars.create();

const channelLabels: Record<string, string> = { portal: '政府网站', newmedia: '政务新媒体', gazette: '政府公报' };
const stateLabels: Record<string, string> = {
  pending: '待投递',
  delivering: '投递中',
  delivered: '已送达',
  failed: '失败',
  withdrawn: '已撤回',
  superseded: '已被取代',
};
const alertLabels: Record<string, string> = {
  drift: '内容不一致',
  missing: '产物缺失',
  correction_debt: '更正未同步',
  sla_miss: '超出发布时限',
};
const correctionLabels: Record<string, string> = { correction: '纠错', withdrawal: '撤回', validityChange: '有效性变更' };

const clock = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

hbs.registerHelper('eq', (a: unknown, b: unknown) => String(a) === String(b));
hbs.registerHelper('channelLabel', (channel: string) => channelLabels[channel] ?? channel);
hbs.registerHelper('stateLabel', (state: string | undefined) => (state === undefined ? '无记录' : (stateLabels[state] ?? state)));
// A gazette delivery is pending until its issue closes: for ops that is the candidacy the SLA asks for.
hbs.registerHelper('deliveryLabel', (channel: string, state: string | undefined) =>
  channel === 'gazette' && state === 'pending' ? '已列为候选' : state === undefined ? '无记录' : (stateLabels[state] ?? state),
);
hbs.registerHelper('alertLabel', (kind: string) => alertLabels[kind] ?? kind);
hbs.registerHelper('correctionLabel', (kind: string) => correctionLabels[kind] ?? kind);
// Every value passes escapeExpression before it is put in markup: the helper's output is the only raw HTML.
hbs.registerHelper('time', (value: Date | string | undefined) => {
  if (value === undefined || value === null) return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  const iso = hbs.escapeExpression(date.toISOString());
  return new hbs.SafeString(`<time datetime="${iso}">${hbs.escapeExpression(clock.format(date))}</time>`);
});

for (const file of readdirSync(folder)) {
  if (!file.endsWith('.hbs')) continue;
  const name = file.slice(0, -4);
  if (name === 'layout' || name === 'alerts-table') hbs.registerPartial(name, readFileSync(new URL(file, folder), 'utf8'));
}

const page = (name: string) => hbs.compile(readFileSync(new URL(`${name}.hbs`, folder), 'utf8'), { strict: false });

/** The console's pages; every template value is HTML-escaped by Handlebars. */
export const pages = {
  login: page('login'),
  overview: page('overview'),
  documents: page('documents'),
  document: page('document'),
  audit: page('audit'),
  deadLetters: page('dead-letters'),
  lag: page('lag'),
  statistics: page('statistics'),
  error: page('error'),
};

export const consoleCss = readFileSync(new URL('./console.css', import.meta.url));
