/** Display formats for Chinese readers. All times shown in China Standard Time. */

const dateFormat = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'long', day: 'numeric' });
const dateTimeFormat = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai', year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false,
});

/** Date or 'YYYY-MM-DD' → '2023年7月3日'. */
export function formatDate(value: Date | string): string {
  const d = typeof value === 'string' ? new Date(`${value.slice(0, 10)}T12:00:00+08:00`) : value;
  return dateFormat.format(d);
}

export function formatDateTime(value: Date | string): string {
  return dateTimeFormat.format(typeof value === 'string' ? new Date(value) : value);
}

