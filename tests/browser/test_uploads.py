"""Files and images in the browser: pasted, picked or dropped, shown to the
other person (thumbnails, or a chip to download), the same after a reload, and
a plain form that works without JavaScript."""
import base64
import io
import re

from PIL import Image

from tests.browser.conftest import PASSWORD
from tests.browser.steps import open_room, send, together, wait_live

# A File built in the page from bytes the test made, handed over as a paste or a drop.
PUT = """([event, b64, name, type]) => {
    const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
    const data = new DataTransfer();
    data.items.add(new File([bytes], name, {type}));
    const target = event === 'paste' ? document.getElementById('body') : document.getElementById('messages');
    const init = {bubbles: true, cancelable: true};
    target.dispatchEvent(event === 'paste' ? new ClipboardEvent('paste', {...init, clipboardData: data})
                                           : new DragEvent('drop', {...init, dataTransfer: data}));
}"""
# What a message's attachments show, to compare the live rendering with the server's.
SHOWN = """seq => Array.from(document.querySelectorAll(`#m${seq} .attachments li`)).map(li => ({
    kind: li.className, href: li.querySelector('a').getAttribute('href'), text: li.textContent,
    download: li.querySelector('a').getAttribute('download'),
    img: li.querySelector('img') && [li.querySelector('img').getAttribute('src'), li.querySelector('img').alt,
                                     li.querySelector('img').getAttribute('width'), li.querySelector('img').getAttribute('height')]}))"""


def screenshot_png():
    out = io.BytesIO()
    Image.linear_gradient("L").convert("RGB").resize((320, 180)).save(out, "PNG")
    return out.getvalue()


def pdf():
    out = io.BytesIO()
    Image.new("RGB", (60, 80), "white").save(out, "PDF")
    return out.getvalue()


def put(person, event, data, name, type):
    person.page.evaluate(PUT, [event, base64.b64encode(data).decode(), name, type])


def wait_ready(person, count=1):
    person.page.wait_for_function("n => document.querySelectorAll('#uploads li.upload.ready').length === n", arg=count)


def wait_attachment(person, selector, seq):
    person.page.wait_for_selector(f"#m{seq} .attachments {selector}")


def image_loaded(person, seq):
    person.page.wait_for_function(
        "seq => { const img = document.querySelector(`#m${seq} .attachment.image img`); "
        "return img && img.complete && img.naturalWidth > 0; }", arg=seq)
    return person.page.evaluate(f"() => document.querySelector('#m{seq} .attachment.image img').naturalWidth")


def test_alice_pastes_a_screenshot_and_bob_sees_its_thumbnail(any_site, people):
    alice, bob = people(any_site, "alice", "bob")
    room = together(alice, bob)
    put(alice, "paste", screenshot_png(), "image.png", "image/png")
    assert alice.page.locator("#uploads li.upload progress").count() == 1
    wait_ready(alice)
    alice.page.press("#body", "Enter")  # no text: the screenshot alone
    wait_attachment(bob, ".attachment.image img", 2)
    assert image_loaded(bob, 2) == 320
    assert alice.page.locator("#uploads li").count() == 0  # the tray empties once it is sent
    live = bob.page.evaluate(SHOWN, 2)
    assert re.fullmatch(rf"/rooms/{room}/uploads/\d+/image\.png", live[0]["href"])
    open_room(bob, room)
    assert bob.page.evaluate(SHOWN, 2) == live  # the server renders the same
    assert image_loaded(bob, 2) == 320


def test_alice_picks_a_pdf_and_bob_downloads_it(embedded, people):
    alice, bob = people(embedded, "alice", "bob")
    room = together(alice, bob)
    document = pdf()
    alice.page.set_input_files("#file", files=[{"name": "report.pdf", "mimeType": "application/pdf", "buffer": document}])
    wait_ready(alice)
    send(alice, "the report")
    wait_attachment(bob, ".attachment.file a", 2)
    chip = bob.page.locator("#m2 .attachment.file a")
    assert chip.locator(".name").text_content() == "report.pdf"
    assert chip.locator(".type").text_content() == "application/pdf"
    assert re.fullmatch(r"\d+(\.\d)? (Bytes|kB)", chip.locator(".size").text_content())
    with bob.page.expect_download() as download:
        chip.click()
    assert download.value.suggested_filename == "report.pdf"
    with open(download.value.path(), "rb") as file:
        assert file.read() == document
    live = bob.page.evaluate(SHOWN, 2)
    open_room(bob, room)
    assert bob.page.evaluate(SHOWN, 2) == live
    assert bob.page.text_content("#m2 .body").strip() == "the report"


def test_a_dropped_file_uploads_and_a_chosen_file_can_be_taken_back(embedded, people):
    alice, bob = people(embedded, "alice", "bob")
    together(alice, bob)
    put(alice, "drop", b"meeting notes\n", "notes.txt", "text/plain")
    wait_ready(alice)
    alice.page.set_input_files("#file", files=[{"name": "draft.txt", "mimeType": "text/plain", "buffer": b"no\n"}])
    wait_ready(alice, 2)
    alice.page.get_by_role("button", name="Remove draft.txt").click()
    assert alice.page.locator("#uploads li").count() == 1
    send(alice, "notes attached")
    wait_attachment(bob, ".attachment.file", 2)
    assert bob.page.locator("#m2 .attachment").count() == 1
    assert bob.page.text_content("#m2 .attachment .name") == "notes.txt"


def test_a_refused_file_says_why_in_the_tray(embedded, people):
    alice = people(embedded, "alice")
    together(alice)
    alice.expected_errors.append("400")  # the browser logs the refused request
    alice.page.set_input_files("#file", files=[{"name": "cat.pdf", "mimeType": "application/pdf",
                                                  "buffer": screenshot_png()}])
    alice.page.wait_for_selector("#uploads li.failed .error")
    assert "do not match its name" in alice.page.text_content("#uploads li.failed .error")


def test_without_javascript_the_composer_posts_a_file_with_the_message(embedded, people, browser):
    alice, bob = people(embedded, "alice", "bob")
    room = together(alice, bob)
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(embedded.base + "/login")
        page.fill("#username", alice.name)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit].primary")
        page.goto(f"{embedded.base}/rooms/{room}")
        page.set_input_files("#file", files=[{"name": "photo.png", "mimeType": "image/png", "buffer": screenshot_png()}])
        page.fill("#body", "sent without script")
        page.click("#composer button[type=submit]")
        page.wait_for_url(re.compile(rf".*/rooms/{room}#m2$"))
        assert page.locator("#m2 .attachment.image img").count() == 1
        assert page.evaluate("() => document.querySelector('#m2 .attachment.image img').naturalWidth") == 320
    finally:
        context.close()
    wait_attachment(bob, ".attachment.image img", 2)
    assert image_loaded(bob, 2) == 320
    wait_live(bob)
