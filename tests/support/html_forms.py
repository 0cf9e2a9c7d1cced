"""What a browser would post for an HTML form (for form round-trip tests). Pure Python."""
from __future__ import annotations

from bs4 import BeautifulSoup


def form_data(html: str, form_id: str = "dataset-edit") -> dict[str, str]:
    """The successful controls of a form as a browser with JavaScript posts them: the hidden
    template group of ckanext-scheming's repeating fields is removed by its JS module first,
    unchecked boxes and submit buttons are not sent."""
    soup = BeautifulSoup(html, "html.parser")
    form = soup.find("form", id=form_id) or soup.find("form")
    for template in form.select('div[name="repeating-template"]'):
        template.decompose()
    data: dict[str, str] = {}
    for element in form.find_all(["input", "select", "textarea"]):
        name = element.get("name")
        if not name or element.has_attr("disabled"):
            continue
        if element.name == "input":
            kind = (element.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "reset", "image"):
                continue
            if kind in ("checkbox", "radio") and not element.has_attr("checked"):
                continue
            data[name] = element.get("value", "on" if kind == "checkbox" else "")
        elif element.name == "select":
            chosen = element.find("option", selected=True) or element.find("option")
            data[name] = chosen.get("value", chosen.text) if chosen else ""
        else:
            data[name] = element.text
    return data


def selected(html: str, name: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    select = soup.find("select", attrs={"name": name})
    option = select.find("option", selected=True) if select else None
    return option.get("value") if option else ""


def value(html: str, name: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    element = soup.find(attrs={"name": name})
    if element is None:
        return ""
    if element.name == "textarea":
        return element.text
    return element.get("value", "")


def checked(html: str, name: str) -> bool:
    soup = BeautifulSoup(html, "html.parser")
    element = soup.find("input", attrs={"name": name})
    return bool(element and element.has_attr("checked"))
