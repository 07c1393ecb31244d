"""The live chat, driven from Python with Selenium and the system's Chromium: an agent and a
visitor in two browsers, talking through a Shopdesk server that the Swift test stops and starts
again in the middle. Lines on stdout say where the flow is (STOP, START, DONE, or FAIL with the
reason); the test says GO once the server runs, and answers STOPPED and STARTED on stdin."""
import json
import sys

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

config = json.loads(sys.stdin.readline())
WIDGET = "document.querySelector('[data-shopdesk-widget]').shadowRoot"


def browser():
    options = Options()
    options.binary_location = config["chromium"]
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900"):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service(config["chromedriver"]), options=options)


def wait(driver, condition, what, timeout=30):
    # 30 s like the CDP tests: sign-in (bcrypt) and first loads wait behind the rest of a loaded two-core CI run.
    WebDriverWait(driver, timeout).until(lambda d: d.execute_script("return " + condition), message="waiting for " + what)


def widget_input(driver):
    return driver.find_element(By.CSS_SELECTOR, "[data-shopdesk-widget]").shadow_root.find_element(By.CSS_SELECTOR, "textarea")


def say(line):
    print(line, flush=True)


def hear(expected):
    line = sys.stdin.readline().strip()
    if line != expected:
        raise RuntimeError("expected %s from the test, got %r" % (expected, line))


agent = browser()
visitor = browser()
try:
    hear("GO")
    # The agent signs in; being connected makes the chat "online".
    agent.get(config["base"] + "/")
    wait(agent, "!!document.querySelector('#signin-email')", "the sign-in form")
    agent.find_element(By.ID, "signin-email").send_keys(config["email"])
    agent.find_element(By.ID, "signin-password").send_keys(config["password"] + Keys.ENTER)
    wait(agent, "!!document.querySelector('#conversations')", "the inbox")

    # The visitor opens the shop and writes, with markup that must stay text.
    visitor.get(config["shop"])
    wait(visitor, WIDGET + " && !!" + WIDGET + ".querySelector('.launcher') && !" + WIDGET + ".querySelector('.launcher').hidden", "the launcher")
    visitor.execute_script(WIDGET + ".querySelector('.launcher').click()")
    wait(visitor, WIDGET + ".querySelector('.greeting')?.textContent === 'Hi! Ask us anything.'", "the greeting")
    widget_input(visitor).send_keys('<img src=x onerror="window.__pwned=1">Where is order #1001?' + Keys.ENTER)
    wait(visitor, "!!" + WIDGET + ".querySelector('.msg.visitor:not(.pending)')", "the stored message")

    # The agent sees it live, writes a note and then a reply.
    wait(agent, "document.querySelectorAll('#conversations .row').length === 1", "the chat in the list")
    body = agent.find_element(By.TAG_NAME, "body")
    body.send_keys("j")
    wait(agent, "document.querySelector('#thread')?.innerText.includes('Where is order #1001?')", "the visitor's message")
    wait(agent, "document.querySelector('#thread').innerText.includes('<img src=x')", "the markup shown as text")
    body.send_keys("n")
    wait(agent, "document.activeElement?.id === 'composer-text'", "the note box")
    agent.switch_to.active_element.send_keys("Internal: check the warehouse first")
    agent.switch_to.active_element.send_keys(Keys.CONTROL, Keys.ENTER)
    wait(agent, "document.querySelector('#thread .message.note')?.innerText.includes('check the warehouse')", "the note")
    agent.execute_script("document.querySelector('#conversation').focus()")
    agent.find_element(By.TAG_NAME, "body").send_keys("r")
    wait(agent, "document.activeElement?.id === 'composer-text'", "the reply box")
    agent.switch_to.active_element.send_keys("It left our warehouse today.")
    agent.switch_to.active_element.send_keys(Keys.CONTROL, Keys.ENTER)

    # The visitor sees the reply, never the note; no script ran anywhere.
    wait(visitor, "[..." + WIDGET + ".querySelectorAll('.msg.agent')].some((m) => m.textContent.includes('It left our warehouse today.'))", "the reply")
    if visitor.execute_script("return " + WIDGET + ".querySelector('.log').textContent.includes('warehouse first')"):
        raise RuntimeError("the internal note reached the visitor")
    for driver in (agent, visitor):
        if driver.execute_script("return window.__pwned !== undefined"):
            raise RuntimeError("a script from a message ran")

    # The server goes away: the visitor writes anyway and the widget keeps the message.
    say("STOP")
    hear("STOPPED")
    wait(visitor, WIDGET + ".querySelector('header p').textContent.includes('Reconnecting')", "the reconnecting line")
    widget_input(visitor).send_keys("Still there?" + Keys.ENTER)
    wait(visitor, "!!" + WIDGET + ".querySelector('.msg.pending')", "the pending message")
    say("START")
    hear("STARTED")
    wait(visitor, "!" + WIDGET + ".querySelector('.msg.pending') && [..." + WIDGET + ".querySelectorAll('.msg.visitor')].some((m) => m.textContent === 'Still there?')",
         "the message sent after reconnecting", timeout=40)

    # A reload keeps the conversation; the token is never in the address.
    visitor.get(config["shop"])
    wait(visitor, WIDGET + " && " + WIDGET + ".querySelectorAll('.msg.visitor').length === 2", "the conversation after a reload")
    if "sdv_" in visitor.current_url:
        raise RuntimeError("the visitor token is in the URL")
    say("DONE")
except Exception as error:  # the test prints the reason; the browsers close either way
    say("FAIL " + " ".join(str(error).split())[:500])
finally:
    agent.quit()
    visitor.quit()
