/** "复制" buttons: copies the text of the element named in data-copy. Hidden without JavaScript. */
export function enhanceCopyButtons(): void {
  for (const el of document.querySelectorAll<HTMLElement>('.js-only')) el.classList.remove('js-only');
  for (const btn of document.querySelectorAll<HTMLButtonElement>('button[data-copy]')) {
    const status = btn.parentElement?.querySelector<HTMLElement>('[data-copy-status]');
    btn.addEventListener('click', async () => {
      const text = document.getElementById(btn.dataset.copy ?? '')?.textContent?.trim() ?? '';
      try {
        await navigator.clipboard.writeText(text);
        if (status) status.textContent = '已复制。请粘贴到备忘录或发给自己保存。';
      } catch {
        if (status) status.textContent = '无法自动复制，请长按查询码手动复制。';
      }
    });
  }
}
