// The client's card: copy or share the referral link. Shown only where the browser can do it; without
// JavaScript the link stays in its box, to be selected by hand.
document.addEventListener("DOMContentLoaded", () => {
  const status = document.querySelector("[data-copy-status]");
  for (const button of document.querySelectorAll("[data-copy]")) {
    const field = document.getElementById(button.dataset.copy);
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(field.value);
      } catch (error) { // no clipboard API outside HTTPS: the old way, on the selected text
        field.select();
        document.execCommand("copy");
      }
      const here = button.closest("section")?.querySelector("[data-copy-status]") || status;
      if (here) here.textContent = button.dataset.copied;
    });
  }
  for (const button of document.querySelectorAll("[data-share]")) {
    if (!navigator.share) continue;
    const field = document.getElementById(button.dataset.share);
    button.hidden = false;
    button.addEventListener("click", () => {
      navigator.share({title: button.dataset.shareTitle, text: button.dataset.shareText, url: field.value})
        .catch(() => {}); // the person closed the share sheet
    });
  }
});
