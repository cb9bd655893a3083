// The "network weather" radios: tell the demo server how to treat THIS page's Engine.IO requests (keyed by the
// page id the page sends as `page` in its connection query). See demo/weather.mjs for what each one does.

export const WEATHERS = [
  { value: "clear", label: "Clear", hint: "nothing in the way" },
  { value: "no-websocket", label: "Proxy drops WebSocket", hint: "upgrades to websocket fail" },
  { value: "http-only", label: "HTTP-only firewall", hint: "websocket and Flash socket fail" },
  { value: "buffer-streams", label: "Buffering proxy", hint: "streams arrive only when they end" },
  { value: "offline", label: "Offline", hint: "sessions cut, requests dropped" },
];

export class WeatherControl {
  /** @param {string} page @param {{ onChange(weather: string): void, onError(message: string): void }} hooks */
  constructor(page, hooks) {
    this.page = page;
    this.value = "clear";
    const fieldset = document.getElementById("weather");
    for (const w of WEATHERS) {
      const id = `weather-${w.value}`;
      const input = document.createElement("input");
      input.type = "radio";
      input.name = "weather";
      input.id = id;
      input.value = w.value;
      input.checked = w.value === "clear";
      const label = document.createElement("label");
      label.htmlFor = id;
      const strong = document.createElement("strong");
      strong.textContent = w.label;
      const small = document.createElement("small");
      small.textContent = w.hint;
      label.append(strong, small);
      const wrap = document.createElement("div");
      wrap.className = "weather-option";
      wrap.append(input, label);
      fieldset.append(wrap);
      input.addEventListener("change", () => {
        if (input.checked) this.set(w.value).then(() => hooks.onChange(w.value), (e) => hooks.onError(String(e?.message ?? e)));
      });
    }
  }

  async set(value) {
    const q = new URLSearchParams({ page: this.page, weather: value });
    const res = await fetch(`/demo/weather?${q}`, { method: "POST" });
    if (!res.ok) throw new Error(`Failed to set the weather to ${value}: HTTP ${res.status}`);
    this.value = value;
  }
}
