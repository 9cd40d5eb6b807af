"""The web map in a real browser: the bundled site's analysis served by
`territory serve` (in French, English and Arabic), then the same map made
again by `territory web`, copied elsewhere and served by a plain static server
(Python's http.server, which answers no range request and sets no
Content-Encoding); opened in headless Chromium driven over the DevTools
protocol (through a pipe: no Node, nothing from PyPI).

Checks: the page reaches "ready" with no console error and no failed request;
each scale opened through the URL hash draws features; the colours on screen
at units of known value are their legend class's colours; lang=ar lays the
page out right to left; in presentation mode the arrow keys step through the
scales.

Usage: check_web.py TERRITORY OUT_DIR [--screenshots DIR]
"""
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time


class Browser:
    """Headless Chromium with the DevTools protocol on file descriptors 3 and 4."""

    def __init__(self, width=1280, height=800):
        self.profile = tempfile.mkdtemp()
        commands_read, self.commands = os.pipe()
        self.replies, replies_write = os.pipe()
        flags = ("--headless=new --no-sandbox --remote-debugging-pipe --use-angle=swiftshader "
                 "--enable-unsafe-swiftshader --hide-scrollbars --no-first-run "
                 f"--window-size={width},{height} --user-data-dir={self.profile}")
        self.process = subprocess.Popen(
            ["bash", "-c", f"exec chromium {flags} about:blank 3<&{commands_read} 4>&{replies_write}"],
            pass_fds=(commands_read, replies_write), stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        os.close(commands_read)
        os.close(replies_write)
        self.next_id = 0
        self.buffer = b""
        self.events = []
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ["Runtime", "Log", "Network", "Page"]:
            self.send(domain + ".enable", session=self.session)

    def read(self):
        while b"\0" not in self.buffer:
            chunk = os.read(self.replies, 1 << 16)
            if not chunk:
                raise SystemExit("FAIL chromium closed the DevTools pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method, params=None, session=None):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.commands, json.dumps(message).encode() + b"\0")
        while True:
            reply = self.read()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise SystemExit(f"FAIL {method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def page(self, method, params=None):
        return self.send(method, params, session=self.session)

    def evaluate(self, expression):
        result = self.page("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True})
        if "exceptionDetails" in result:
            raise SystemExit(f"FAIL {expression[:80]}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def open(self, url, timeout=90):
        """Loads `url` afresh and waits for the page's ready state."""
        self.page("Page.navigate", {"url": "about:blank"})
        self.events.clear()
        self.page("Page.navigate", {"url": url})
        deadline = time.time() + timeout
        while time.time() < deadline:
            state = "(document.documentElement && document.documentElement.dataset.state) || ''"
            if self.evaluate(state) == "ready":
                return
            time.sleep(0.25)
        raise SystemExit(f"FAIL {url}: the page did not reach 'ready' in {timeout} s; {self.problems()[:3]}")

    def settle(self):
        """Waits until the map has drawn what it was asked to."""
        self.evaluate("new Promise((done) => { const map = window.territoryMap; "
                      "map.once('idle', () => done(true)); map.triggerRepaint(); })")

    def problems(self):
        """Console errors, exceptions and failed requests seen since the last load."""
        found = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                found.append("exception: " + params["exceptionDetails"].get("text", ""))
            elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
                found.append("console: " + " ".join(str(a.get("value", a.get("description")))
                                                    for a in params.get("args", [])))
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                found.append("log: " + params["entry"].get("text", ""))
            elif method == "Network.loadingFailed":
                found.append("request failed: " + params.get("errorText", ""))
            elif method == "Network.responseReceived" and params["response"]["status"] >= 400:
                found.append(f"HTTP {params['response']['status']}: {params['response']['url']}")
        return found

    def screenshot(self, path):
        data = self.page("Page.captureScreenshot", {"format": "png"})["data"]
        with open(path, "wb") as file:
            file.write(base64.b64decode(data))

    def close(self):
        self.process.kill()
        self.process.wait()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# Samples screen points over the map; at each whose 3x3 neighbourhood lies in one
# unit, gives the unit's value and the pixel's colour as drawn.
SAMPLE = """
(() => {
  const map = window.territoryMap, canvas = map.getCanvas();
  const copy = document.createElement('canvas');
  copy.width = canvas.width; copy.height = canvas.height;
  const context = copy.getContext('2d');
  context.drawImage(canvas, 0, 0);
  const ratio = canvas.width / canvas.clientWidth;
  const layer = 'fill-' + SCALE, field = INDICATOR, found = [];
  for (let x = 40; x < canvas.clientWidth - 40; x += 37) {
    for (let y = 40; y < canvas.clientHeight - 40; y += 37) {
      const values = [[0, 0], [-3, 0], [3, 0], [0, -3], [0, 3]].map(([dx, dy]) => {
        const hit = map.queryRenderedFeatures([x + dx, y + dy], { layers: [layer] })[0];
        return hit ? JSON.stringify(hit.properties) : null;
      });
      if (!values[0] || values.some((v) => v !== values[0])) continue;
      const value = JSON.parse(values[0])[field];
      const pixel = context.getImageData(Math.round(x * ratio), Math.round(y * ratio), 1, 1).data;
      found.push({ value: value === undefined ? null : value, rgb: [pixel[0], pixel[1], pixel[2]] });
    }
  }
  return found;
})()
"""


def expected_colour(indicator, value):
    if value is None:
        return "#D9D9D9"
    for bound, colour in zip(indicator["breaks"], indicator["colours"]):
        if value <= bound:
            return colour
    return indicator["colours"][-1]


def wait_for_port(port, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit(f"FAIL nothing listens on port {port} after {timeout} s")


def start_territory_serve(territory, folder):
    """`territory serve FOLDER --port 0`, and the port it says it listens on."""
    server = subprocess.Popen([territory, "serve", folder, "--port", "0"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    line = server.stdout.readline()
    if " at http://127.0.0.1:" not in line:
        server.kill()
        raise SystemExit(f"FAIL territory serve printed {line!r}")
    return server, int(line.split("http://127.0.0.1:")[1].split("/")[0])


def check_site(browser, page, site, failures, languages, shots=None):
    """Every check on the web map at `page` (its index.html's address)."""
    for scale in site["scales"]:
        name = scale["name"]
        for language in languages:
            browser.open(f"{page}#scale={name}&indicator=V014_density&lang={language}")
            problems = browser.problems()
            count = browser.evaluate(
                f"territoryMap.queryRenderedFeatures({{layers: ['fill-{name}']}}).length")
            direction = browser.evaluate("document.documentElement.dir")
            expected = "rtl" if language == "ar" else "ltr"
            if problems or not count or direction != expected:
                failures.append(f"{name} ({language}): {count} features, dir={direction}, {problems[:3]}")
                print(f"FAIL {name} ({language})")
            else:
                print(f"ok {name} ({language}): ready, {count} features drawn, dir={direction}, "
                      "no console error or failed request")
            if shots and language == languages[0]:
                os.makedirs(shots, exist_ok=True)
                browser.screenshot(os.path.join(shots, f"web_{name}.png"))
    # Colours at known units: the relief off and the fill opaque, each sampled
    # pixel is exactly its value's class colour.
    for name, indicator_name in [("tracts", "V014_density"), ("grid500", "elevation_mean")]:
        indicator = next(i for i in site["indicators"] if i["name"] == indicator_name)
        browser.open(f"{page}#scale={name}&indicator={indicator_name}&lang=en")
        browser.evaluate(f"(() => {{ const map = territoryMap; "
                         f"if (map.getLayer('relief')) map.setLayoutProperty('relief', 'visibility', 'none'); "
                         f"map.setPaintProperty('fill-{name}', 'fill-opacity', 1); "
                         f"map.setPaintProperty('line-{name}', 'line-opacity', 0); return true; }})()")
        browser.settle()
        samples = browser.evaluate(SAMPLE.replace("SCALE", json.dumps(name))
                                   .replace("INDICATOR", json.dumps(indicator_name)))
        wrong = []
        for sample in samples:
            hex_colour = expected_colour(indicator, sample["value"])
            rgb = [int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)]
            if max(abs(a - b) for a, b in zip(rgb, sample["rgb"])) > 2:
                wrong.append(f"{sample['value']}: {sample['rgb']} on screen, {hex_colour} in the legend")
        if len(samples) < 10 or wrong:
            failures.append(f"colours of {name}: {len(samples)} units sampled, {wrong[:3]}")
        else:
            print(f"ok colours of {name} ({indicator_name}): {len(samples)} units, each its legend class")
    browser.open(f"{page}#scale=grid100&indicator=V014_density&lang=ar")
    direction = browser.evaluate("document.documentElement.dir")
    if direction != "rtl" or browser.problems():
        failures.append(f"lang=ar: dir={direction}, {browser.problems()[:3]}")
    else:
        print("ok lang=ar: the page is right to left")
    if shots:
        browser.screenshot(os.path.join(shots, "web_grid100_ar.png"))
    browser.open(f"{page}#scale=grid100&indicator=V014_density&lang=fr")
    browser.evaluate("document.getElementById('present').click()")
    steps = []
    for key in ["ArrowRight", "ArrowRight", "ArrowLeft"]:
        for kind in ["keyDown", "keyUp"]:
            browser.page("Input.dispatchKeyEvent", {"type": kind, "key": key, "code": key,
                                                    "windowsVirtualKeyCode": {"ArrowRight": 39, "ArrowLeft": 37}[key]})
        steps.append(browser.evaluate("new URLSearchParams(location.hash.slice(1)).get('scale')"))
    if steps != ["grid200", "grid500", "grid200"]:
        failures.append(f"presentation mode: the arrow keys gave {steps}")
    else:
        print(f"ok presentation mode: the arrow keys step through the scales ({' → '.join(steps)})")
    if shots:
        browser.screenshot(os.path.join(shots, "web_presentation.png"))


def main():
    territory, out = sys.argv[1:3]
    shots = sys.argv[sys.argv.index("--screenshots") + 1] if "--screenshots" in sys.argv else None
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    analysis = os.path.join(out, "olinda")
    subprocess.run([territory, "analyze", os.path.join(root, "Data/sites/olinda"), "-o", analysis,
                    "--quiet", "--overwrite"], check=True, stdout=subprocess.DEVNULL)
    web = os.path.join(analysis, "web")
    site = json.load(open(os.path.join(web, "site.json")))
    # The same map made again by `territory web`, then copied elsewhere, as a
    # team copies it to a USB stick or a web server.
    remade = os.path.join(out, "olinda-web")
    subprocess.run([territory, "web", analysis, "-o", remade, "--quiet", "--overwrite"], check=True,
                   stdout=subprocess.DEVNULL)
    copied = os.path.join(out, "copied")
    shutil.rmtree(copied, ignore_errors=True)
    shutil.copytree(remade, copied)
    failures = []
    browser = None
    servers = []
    try:
        browser = Browser()
        print("territory serve on the analysis's web/, in French, English and Arabic:")
        server, port = start_territory_serve(territory, web)
        servers.append(server)
        check_site(browser, f"http://127.0.0.1:{port}/index.html", site, failures,
                   ["fr", "en", "ar"], shots)
        # The analysis folder itself opens on its web map.
        server, port = start_territory_serve(territory, analysis)
        servers.append(server)
        browser.open(f"http://127.0.0.1:{port}/#scale=tracts&indicator=V014_density&lang=en")
        url = browser.evaluate("location.pathname")
        if url != "/web/" or browser.problems():
            failures.append(f"the analysis folder opened {url}: {browser.problems()[:3]}")
        else:
            print("ok the analysis folder opens on its web map (/web/)")
        print("a copy of territory web's folder, from a plain static server (no ranges, no gzip):")
        port = free_port()
        servers.append(subprocess.Popen(
            [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", copied],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_for_port(port)
        check_site(browser, f"http://127.0.0.1:{port}/index.html", site, failures, ["fr"])
    finally:
        if browser:
            browser.close()
        for server in servers:
            server.kill()
    if failures:
        for failure in failures:
            print("FAIL " + failure)
        raise SystemExit(f"check-web: {len(failures)} failures")
    print("check-web: the web map passed in headless Chromium, from territory serve and from a copy "
          "on a plain static server")


if __name__ == "__main__":
    main()
