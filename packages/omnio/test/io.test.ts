// The io() preset: transport names → factories, defaults, URL default, errors for unknown names, UMD shape.
import { afterEach, describe, expect, it, vi } from "vitest";
import { io, connect, defaultTransports, transportsByName, OmnioError, Manager, type Socket } from "omnio";
import umd from "../src/umd.js";

const sockets: Socket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.disconnect();
  vi.unstubAllGlobals();
});
const names = (s: Socket) => s.io.opts.transports.map((t) => t.name);

describe("io()", () => {
  it("defaults to every transport it knows, duplex first", () => {
    const s = io("http://a.test", { autoConnect: false });
    sockets.push(s);
    expect(names(s)).toEqual(defaultTransports);
    expect(defaultTransports).toEqual(["websocket", "flashsocket", "xhr-multipart", "htmlfile", "polling", "jsonp"]);
    for (const name of defaultTransports) expect(transportsByName[name]).toBeTypeOf("function");
  });

  it("takes transport names and factories as a set, put in omnio's order (polling + websocket still upgrades)", () => {
    const custom = { ...transportsByName.polling!(), name: "jsonp" as const };
    const s = io("http://b.test", { transports: ["polling", custom, "websocket"], autoConnect: false });
    sockets.push(s);
    expect(names(s)).toEqual(["websocket", "polling", "jsonp"]);
    expect(s.io.opts.transports[2]).toBe(custom);
  });

  it("rejects unknown transport names, naming the one", () => {
    expect(() => io("http://c.test", { transports: ["carrier-pigeon" as "polling"] })).toThrow(OmnioError);
    expect(() => io("http://c.test", { transports: ["carrier-pigeon" as "polling"] })).toThrow("io(): unknown transport carrier-pigeon");
  });

  it("defaults the URL to the page's origin, and says so when there is none", () => {
    expect(() => io()).toThrow(/no URL given/);
    vi.stubGlobal("location", { origin: "http://page.test:8080", protocol: "http:", host: "page.test:8080" });
    const s = io({ autoConnect: false });
    sockets.push(s);
    expect(s.io.uri).toBe("http://page.test:8080/socket.io/");
    expect(s.nsp).toBe("/");
  });

  it("connect is io; the UMD default export is io with io.connect", () => {
    expect(connect).toBe(io);
    expect(umd.connect).toBe(umd);
    expect(umd.Manager).toBe(Manager);
    const s = umd("http://d.test/chat", { autoConnect: false });
    sockets.push(s);
    expect(s.nsp).toBe("/chat");
  });
});
