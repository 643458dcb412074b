"""What the archive knows about its subject: China's divisions (行政区划) and how places are
named, the topics (专题) a section is filed under, the indicators (指标) reports state."""
