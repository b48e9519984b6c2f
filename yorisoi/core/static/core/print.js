// A button marked data-print prints the page (an inline onclick would break the
// Content-Security-Policy, which allows scripts from our own files only).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
