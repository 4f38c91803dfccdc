"""Text classification with a Taxonomy, a sentiment Choice and a conditional DateTime.

A news classifier's output per article (``data/text/news_classifier_outputs.json``): leaf
topics with scores, a sentiment label, and an event date it extracted. The config:

* ``<Taxonomy name="topic">``: every topic above a threshold becomes a path; the model names
  only the leaf (``"tennis"``), the builder finds its path (``["Sport", "Tennis"]``);
* ``<Choices name="sentiment">``: the model's ``POSITIVE``/... map through ``predicted_values``;
* ``<DateTime name="event_date" only="date">`` shown only when a sport topic is selected
  (``visibleWhen="choice-selected"``). Label Studio matches a Taxonomy condition against the
  **last** node of each selected path, so the condition names the sport leaves, not "Sport".
  A date predicted for an article with no sport topic would be dropped on submit:
  :func:`prelabel.conditions.check_conditions` finds it, and this example leaves it out.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from prelabel import Choices, DateTime, LabelConfig, Prediction, Task, Taxonomy
from prelabel.conditions import check_conditions
from prelabel.labelmap import LabelMap

sys.path.insert(0, str(Path(__file__).parent))
from _common import write_example

DATA = Path(__file__).parent / "data" / "text"
THRESHOLD = 0.35

CONFIG = """<View>
  <Text name="text" value="$text"/>
  <Taxonomy name="topic" toName="text">
    <Choice value="Sport">
      <Choice value="Tennis"/><Choice value="Football"/><Choice value="Cycling"/>
    </Choice>
    <Choice value="Business"><Choice value="Economy"/><Choice value="Markets"/></Choice>
    <Choice value="Science"><Choice value="Space"/><Choice value="Health"/></Choice>
  </Taxonomy>
  <Choices name="sentiment" toName="text" choice="single-radio" showInline="true">
    <Choice value="Positive" predicted_values="POSITIVE"/>
    <Choice value="Neutral" predicted_values="NEUTRAL"/>
    <Choice value="Negative" predicted_values="NEGATIVE"/>
  </Choices>
  <DateTime name="event_date" toName="text" only="date" visibleWhen="choice-selected"
            whenTagName="topic" whenChoiceValue="Tennis,Football,Cycling"/>
</View>"""


def main(out_dir: Path) -> list[dict[str, str]]:
    config = LabelConfig.parse(CONFIG)
    topic = config.control("topic", Taxonomy)
    sentiment = config.control("sentiment", Choices)
    event_date = config.control("event_date", DateTime)
    topics, moods = LabelMap(topic), LabelMap(sentiment)

    articles = json.loads((DATA / "news_classifier_outputs.json").read_text(encoding="utf-8"))
    tasks = []
    for article in articles:
        kept = [t for t in article["topics"] if t["score"] >= THRESHOLD]
        results = [
            topic.choose(topics.map(t["label"] for t in kept), score=max(t["score"] for t in kept)),
            sentiment.choose(
                moods(article["sentiment"]["label"]), score=article["sentiment"]["score"]
            ),
        ]
        if article["event_date"]:
            results.append(event_date.set(article["event_date"]))
        dropped = {record.loc[1] for record in check_conditions(config, results)}
        results = [r for i, r in enumerate(results) if i not in dropped]
        prediction = Prediction(results, model_version="news-topics-v3", score=kept[0]["score"])
        tasks.append(Task({"text": article["text"]}, predictions=[prediction]).to_dict())
    return [write_example(out_dir, "text_taxonomy", CONFIG, tasks)]


if __name__ == "__main__":
    for entry in main(Path("build/demo")):
        print(entry)
