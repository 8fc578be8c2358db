/**
 * Word lists the generator draws names from. The metro areas and most user agents are the real values of
 * the Sparkify sample (log_data 2018-11); the rest are added so large runs are not all the same few
 * strings, and some carry the awkward characters real data has (apostrophes, `/`, accents).
 */

export const TITLE_WORDS: readonly string[] = [
  'love', 'night', 'heart', 'fire', 'rain', 'summer', 'dream', 'city', 'road', 'home', 'light', 'dance',
  'river', 'blue', 'gold', 'shadow', 'silver', 'morning', 'midnight', 'ocean', 'storm', 'angel', 'devil',
  'train', 'highway', 'moon', 'sun', 'star', 'girl', 'boy', 'baby', 'world', 'time', 'heaven', 'soul',
  'lonely', 'crazy', 'wild', 'sweet', 'broken', 'little', 'big', 'last', 'first', 'forever', 'never',
  'tonight', 'tomorrow', 'yesterday', 'goodbye', 'hello', 'sorry', 'again', 'away', 'back', 'down', 'up',
  'over', 'under', 'alone', 'together', 'sky', 'window', 'door', 'street', 'mountain', 'valley', 'desert',
  'winter', 'autumn', 'spring', 'coffee', 'whiskey', 'wine', 'money', 'paradise', 'memory', 'secret',
  'echo', 'mirror', 'ghost', 'machine', 'radio', 'television', 'telephone', 'letter', 'song', 'rhythm',
  'groove', 'funk', 'soul', 'blues', 'rock', 'roll', 'boogie', 'shuffle', 'waltz', 'tango', 'rumba',
  'paper', 'glass', 'stone', 'iron', 'velvet', 'neon', 'electric', 'golden', 'burning', 'falling',
  'running', 'waiting', 'dancing', 'crying', 'flying', 'shining', 'rolling', 'wonderful', 'beautiful',
  'dangerous', 'perfect', 'strange', 'sugar', 'honey', 'cherry', 'rose', 'diamond', 'pearl', 'tiger',
  'wolf', 'eagle', 'dove', 'raven', 'snake', 'horse', 'queen', 'king', 'prince', 'soldier', 'sailor',
  'stranger', 'lover', 'friend', 'brother', 'sister', 'mother', 'father', 'children', 'people', 'island',
];

export const TITLE_SUFFIXES: readonly string[] = [
  ' (Live)', ' (Remix)', ' (Album Version)', ' (Radio Edit)', ' (Acoustic)', ' (Demo)', ' - Remastered',
  ' (Extended Mix)', ' (LP Version)', ' (Instrumental)', ' (feat. MC Lyte)', ' [Bonus Track]',
];

export const BAND_ADJECTIVES: readonly string[] = [
  'Black', 'White', 'Red', 'Silver', 'Electric', 'Velvet', 'Flaming', 'Rolling', 'Smashing', 'Happy',
  'Sonic', 'Crystal', 'Broken', 'Arctic', 'Killer', 'Stone', 'Dead', 'Lost', 'Wild', 'Young', 'Old',
  'Cosmic', 'Funky', 'Mighty', 'Holy', 'Dirty', 'Pretty', 'Stray', 'Violent', 'Blind',
];

export const BAND_NOUNS: readonly string[] = [
  'Keys', 'Stripes', 'Lips', 'Stones', 'Pumpkins', 'Monkeys', 'Killers', 'Pilots', 'Kings', 'Wolves',
  'Ravens', 'Angels', 'Sparks', 'Shadows', 'Riders', 'Drifters', 'Hearts', 'Brothers', 'Sisters', 'Boys',
  'Girls', 'Machines', 'Tigers', 'Horses', 'Ghosts', 'Strangers', 'Saints', 'Sinners', 'Pistols', 'Doves',
];

export const FEMALE_FIRST_NAMES: readonly string[] = [
  'Kaylee', 'Sylvie', 'Stefany', 'Marina', 'Makinley', 'Lily', 'Kynnedi', 'Tegan', 'Aleena', 'Chloe',
  'Ava', 'Ayleen', 'Celeste', 'Anabelle', 'Sara', 'Ayla', 'Cecilia', 'Ann', 'Maia', 'Jordan', 'Magdalene',
  'Emily', 'Katherine', 'Shakira', 'Layla', 'Kate', 'Molly', 'Sienna', 'Jacqueline', 'Evelin', 'Avery',
  'Jizelle', 'Ryann', 'Jordyn', 'Kinsley', 'Hayden', 'Adelyn', 'Hannah', 'Kimber', 'Cierra', 'Alivia',
  'Andrea', 'Jaleah', 'Amiya', 'Cienna', 'Gianna', 'Zoë', 'Renée', 'Chloé', 'Inés', 'Björk', 'Siobhán',
];

export const MALE_FIRST_NAMES: readonly string[] = [
  'Walter', 'Ryan', 'Jayden', 'Kevin', 'Aiden', 'Mohammad', 'Adler', 'Samuel', 'Joseph', 'Austin', 'Kaleb',
  'Isaac', 'Connar', 'Theodore', 'Jahiem', 'Rylan', 'Brantley', 'Braden', 'Martin', 'Bronson', 'Jacob',
  'Noah', 'Harper', 'Devin', 'Carlos', 'Wyatt', 'Morris', 'Dominick', 'Matthew', 'Colm', 'Brayden',
  'Tucker', 'Zachary', 'James', 'Dustin', 'Preston', 'Elijah', 'José', 'Søren', 'Ángel', 'François',
];

export const LAST_NAMES: readonly string[] = [
  'Frye', 'Summers', 'Cruz', 'Smith', 'Fox', 'White', 'Arellano', 'Sutton', 'Hess', 'Jones', 'Koch',
  'Sanchez', 'Levine', 'Kirby', 'Rodriguez', 'Cuevas', 'Barrera', 'Gonzalez', 'Gutierrez', 'Robinson',
  'Rosales', 'Wise', 'Cook', 'Valdez', 'Williams', 'Simpson', 'Moreno', 'Johnson', 'Owens', 'Banks',
  'Miles', 'Graves', 'Burke', 'George', 'Burns', 'Hicks', 'West', 'Herman', 'Roth', 'Parker', 'Harris',
  'Klein', 'Benson', 'Chavez', 'Barrett', 'Larson', 'Hunt', 'Bell', 'Griffin', 'Taylor', 'Colon',
  'Carter', 'Lynch', 'Ayala', 'Watkins', 'Scott', 'Powell', 'Norris', 'Ramirez', 'Porter', 'Young',
  "O'Brien", "D'Angelo", 'Müller', 'Núñez', 'Nguyễn', 'Dvořák', 'Ødegaard', 'Van der Berg', 'Smith-Jones',
];

/** Metropolitan statistical areas, as the real `location` values name them. */
export const METRO_AREAS: readonly string[] = [
  'San Francisco-Oakland-Hayward, CA', 'Phoenix-Mesa-Scottsdale, AZ',
  'Washington-Arlington-Alexandria, DC-VA-MD-WV', 'San Jose-Sunnyvale-Santa Clara, CA',
  'New Orleans-Metairie, LA', 'Lubbock, TX', 'Harrisburg-Carlisle, PA', 'Salinas, CA',
  'La Crosse-Onalaska, WI-MN', 'Chicago-Naperville-Elgin, IL-IN-WI', 'Cedar Rapids, IA',
  'Portland-South Portland, ME', 'Waterloo-Cedar Falls, IA', 'Sacramento--Roseville--Arden-Arcade, CA',
  'New York-Newark-Jersey City, NY-NJ-PA', 'Houston-The Woodlands-Sugar Land, TX', 'Columbia, SC',
  'New Haven-Milford, CT', 'Yuba City, CA', 'Saginaw, MI', 'Klamath Falls, OR',
  'Philadelphia-Camden-Wilmington, PA-NJ-DE-MD', 'Winston-Salem, NC', 'Santa Rosa, CA',
  'Atlanta-Sandy Springs-Roswell, GA', 'Salt Lake City, UT', 'San Antonio-New Braunfels, TX',
  'Marinette, WI-MI', 'Birmingham-Hoover, AL', 'Portland-Vancouver-Hillsboro, OR-WA',
  'Dallas-Fort Worth-Arlington, TX', 'Indianapolis-Carmel-Anderson, IN', 'Youngstown-Warren-Boardman, OH-PA',
  'Minneapolis-St. Paul-Bloomington, MN-WI', 'Eugene, OR', 'Tampa-St. Petersburg-Clearwater, FL',
  'Augusta-Richmond County, GA-SC', 'Ogden-Clearfield, UT', 'Lake Havasu City-Kingman, AZ',
  'Lansing-East Lansing, MI', 'St. Louis, MO-IL', 'Las Cruces, NM', 'Miami-Fort Lauderdale-West Palm Beach, FL',
  'Milwaukee-Waukesha-West Allis, WI', 'Plymouth, IN', 'Palestine, TX', 'Eureka-Arcata-Fortuna, CA',
  'Red Bluff, CA', 'Raleigh, NC', 'Los Angeles-Long Beach-Anaheim, CA', 'Elkhart-Goshen, IN',
  'Detroit-Warren-Dearborn, MI', 'Janesville-Beloit, WI', 'Nashville-Davidson--Murfreesboro--Franklin, TN',
  'London, KY', 'San Diego-Carlsbad, CA', 'Richmond, VA', 'Seattle-Tacoma-Bellevue, WA',
  'Oxnard-Thousand Oaks-Ventura, CA', 'Parkersburg-Vienna, WV', 'Pensacola-Ferry Pass-Brent, FL',
  'Longview, TX', 'Myrtle Beach-Conway-North Myrtle Beach, SC-NC',
  // Not in the sample, but real names with the characters a loader must survive.
  'Boston-Cambridge-Newton, MA-NH', 'Denver-Aurora-Lakewood, CO', 'Austin-Round Rock, TX', 'Anchorage, AK',
  'Urban Honolulu, HI', 'Kansas City, MO-KS', 'Pittsburgh, PA', 'Charlotte-Concord-Gastonia, NC-SC',
  'Las Vegas-Henderson-Paradise, NV', 'Baltimore-Columbia-Towson, MD', 'Cincinnati, OH-KY-IN',
  'Louisville/Jefferson County, KY-IN', "Coeur d'Alene, ID", 'Mayagüez, PR', 'San Germán, PR',
];

/** Browsers across the operating systems of the real logs, plus newer ones (Android, iPad, Edge, ChromeOS). */
export const USER_AGENTS: readonly string[] = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.9; rv:31.0) Gecko/20100101 Firefox/31.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_4) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/36.0.1985.143 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_4) AppleWebKit/537.77.4 (KHTML, like Gecko) Version/7.0.5 Safari/537.77.4',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_10) AppleWebKit/538.46 (KHTML, like Gecko) Version/8.0 Safari/538.46',
  'Mozilla/5.0 (Windows NT 5.1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/36.0.1985.143 Safari/537.36',
  'Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/35.0.1916.153 Safari/537.36',
  'Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/36.0.1985.143 Safari/537.36',
  'Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/37.0.2062.103 Safari/537.36',
  'Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko',
  'Mozilla/5.0 (Windows NT 6.1; WOW64; rv:31.0) Gecko/20100101 Firefox/31.0',
  'Mozilla/5.0 (Windows NT 6.3; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/36.0.1985.125 Safari/537.36',
  'Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.2; WOW64; Trident/6.0)',
  'Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1; Trident/5.0)',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Ubuntu Chromium/36.0.1985.125 Chrome/36.0.1985.125 Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64; rv:31.0) Gecko/20100101 Firefox/31.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 7_1_2 like Mac OS X) AppleWebKit/537.51.2 (KHTML, like Gecko) Version/7.0 Mobile/11D257 Safari/9537.53',
  'Mozilla/5.0 (iPad; CPU OS 12_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/12.0 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 9; SM-G960F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.110 Mobile Safari/537.36',
  'Mozilla/5.0 (Linux; Android 8.1.0; Pixel 2) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.80 Mobile Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.102 Safari/537.36 Edge/18.17763',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:63.0) Gecko/20100101 Firefox/63.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/12.0.1 Safari/605.1.15',
  'Mozilla/5.0 (X11; CrOS x86_64 11151.29.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.76 Safari/537.36',
  'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:63.0) Gecko/20100101 Firefox/63.0',
];

/** Artist home towns with coordinates, like the Million Song Dataset's. */
export const PLACES: readonly (readonly [string, number, number])[] = [
  ['Nashville, TN.', 36.16778, -86.77836], ['Memphis, TN', 35.14968, -90.04892], ['Denmark', 56.27609, 9.51695],
  ['California - SF', 37.77916, -122.42005], ['New York, NY', 40.71455, -74.00712], ['London, England', 51.50632, -0.12714],
  ['Chicago, IL', 41.88415, -87.63241], ['Detroit, MI', 42.33168, -83.04792], ['Seattle, WA', 47.60356, -122.32944],
  ['Atlanta, GA', 33.7483, -84.39111], ['Kingston, Jamaica', 17.99702, -76.79358], ['Toronto, Ontario, Canada', 43.64856, -79.38533],
  ['Stockholm, Sweden', 59.33217, 18.06243], ['Paris, France', 48.85693, 2.3412], ['Berlin, Germany', 52.51607, 13.37698],
  ['Reykjavík, Ísland', 64.13548, -21.89541], ['São Paulo, Brasil', -23.56287, -46.65467], ['Zürich, Switzerland', 47.37689, 8.54169],
  ['Montréal, Québec', 45.51228, -73.55439], ['東京, Japan', 35.68949, 139.69171], ['Brooklyn, "NYC"', 40.65507, -73.94888],
  ['Austin, TX', 30.26715, -97.74306], ['Manchester, England', 53.47959, -2.24874], ['Dublin, Ireland', 53.34376, -6.24953],
];

/** Free-text artist locations the dataset has without coordinates. */
export const PLACES_WITHOUT_COORDINATES: readonly string[] = [
  'California - LA', 'NY - Upstate', 'Hamburg / Germany', 'Somewhere in Texas', 'Bay Area', 'UK', 'Down South',
];

/** Non-ASCII words from several scripts, two to four bytes a character in UTF-8 (emoji are surrogate pairs). */
export const NON_ASCII_WORDS: readonly string[] = [
  'Café', 'Ça va', 'Über', 'Niño', 'Smørrebrød', 'Ærø', 'naïve', 'Łódź', 'Dvořák', 'Привет', 'Ελλάδα',
  'שלום', 'مرحبا', '東京の夜', '사랑해', 'ありがとう', '🎵', '🎸🔥', 'Mötley', 'Sigur Rós',
];
