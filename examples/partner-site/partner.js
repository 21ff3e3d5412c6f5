// The partner's own script: it listens to the checkout's events (they bubble out of the element).
document.addEventListener('tts-paid', (event) => {
  const { order, tickets } = event.detail;
  const thanks = document.getElementById('thanks');
  thanks.textContent = `Thank you, ${order.buyer.name}! ${tickets.length} ticket${tickets.length === 1 ? '' : 's'} booked. See you at the show.`;
  thanks.hidden = false;
});

document.addEventListener('tts-error', (event) => {
  // Plain words are already shown to the buyer; this is for your logs.
  console.warn('Checkout problem', event.detail.code, event.detail.request_id);
});
