/** A secondary button the enhanced forms add (use this location, clear the draft, correct the coordinates). */
export function secondaryButton(text: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'button-secondary';
  b.textContent = text;
  b.addEventListener('click', onClick);
  return b;
}
